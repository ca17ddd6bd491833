"""A folder of messages kept on disk until the database can take them.

A gateway that does not redeliver (Twilio calls its fallback URL once, then gives up) must not
lose what a person sent while the database was down. The webhook writes the message here and
answers; a drain (ussd.sms_spool) runs it through the conversation once the database is back.

Each message is one JSON file named after its key (a provider message id), so a redelivery while
the database is still down rewrites nothing. It is written to a hidden temporary file, flushed to
disk (fsync), renamed into place and the folder is flushed too: after a crash or power cut a
message is either whole or absent, never half written. Files are private to the service's user.
Oldest first is by modification time, which a rename keeps.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
SUFFIX = ".json"
STALE_TEMPORARY_SECONDS = 3600  # a temporary file this old was left by a crash mid-write


@dataclass(frozen=True)
class SpooledMessage:
    path: Path
    record: dict


class FileSpool:
    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:40]
        return self.directory / (digest + SUFFIX)

    def put(self, key: str, record: dict) -> bool:
        """Keep `record` durably under `key`; False when that key is already waiting."""
        path = self._path(key)
        if path.exists():
            return False
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.directory / f".{path.stem}.{secrets.token_hex(6)}.tmp"
        data = json.dumps(record).encode("ascii")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        self._sync_directory()
        return True

    def _sync_directory(self) -> None:
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    def pending(self, limit: int = 100) -> list[SpooledMessage]:
        """The oldest `limit` waiting messages. A file that cannot be read is set aside (`.bad`)
        for an operator, so it neither blocks the others nor disappears."""
        try:
            entries = list(os.scandir(self.directory))
        except FileNotFoundError:
            return []
        waiting = []
        for entry in entries:
            if entry.name.endswith(SUFFIX) and not entry.name.startswith("."):
                with contextlib.suppress(FileNotFoundError):  # drained meanwhile by another process
                    waiting.append((entry.stat().st_mtime_ns, entry.name))
            elif entry.name.endswith(".tmp"):
                self._drop_if_stale(Path(entry.path))
        messages = []
        for _, name in sorted(waiting)[:limit]:
            path = self.directory / name
            try:
                record = json.loads(path.read_bytes())
            except FileNotFoundError:
                continue
            except ValueError:
                logger.error("spooled message %s cannot be read; set aside as %s.bad", name, name)
                with contextlib.suppress(OSError):
                    os.replace(path, path.with_name(name + ".bad"))
                continue
            messages.append(SpooledMessage(path, record))
        return messages

    @staticmethod
    def _drop_if_stale(path: Path) -> None:
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                path.unlink()

    def has_pending(self) -> bool:
        try:
            with os.scandir(self.directory) as entries:
                return any(e.name.endswith(SUFFIX) and not e.name.startswith(".") for e in entries)
        except FileNotFoundError:
            return False

    def remove(self, message: SpooledMessage) -> None:
        with contextlib.suppress(FileNotFoundError):
            message.path.unlink()
        self._sync_directory()

    @contextlib.contextmanager
    def draining(self) -> Iterator[bool]:
        """True for the one drainer of this folder at a time (a lock the system drops when its
        process dies); others get False and leave it to that one."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.directory / ".drain.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(descriptor)
