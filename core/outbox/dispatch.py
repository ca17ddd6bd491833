"""Dispatch: claim due outbox rows, send them through the channel's sender, record the outcome.

Claims are short transactions: PostgreSQL uses FOR UPDATE SKIP LOCKED so any number of workers on
any number of hosts share the queue; SQLite runs a single dispatcher. A claimed row carries a
lease; a worker killed mid-batch leaves rows whose lease expires and are claimed again. Each send
is recorded in its own commit right after the provider answers, so a crash repeats at most the
one message in flight, and the idempotency key travels with it for providers that dedupe. A worker
asked to stop finishes and records the message in flight and hands back the rest: nothing repeats.
"""
from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.counting import count
from core.models import OutboxMessage
from core.outbox.writes import DIRECT_KINDS

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
REDACTED_OTP = "[one-time code sent; text removed]"  # default; settings.outbox_lease_seconds overrides it


@dataclass(frozen=True)
class SendResult:
    provider_id: str | None
    status: str = "sent"  # or "delivered" when the provider confirms at once


class TemporaryError(Exception):
    """Try again later (timeouts, 5xx, 429). `retry_after` in seconds when the provider says."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """Will never succeed (blocked by the user, invalid address): no retry."""

    def __init__(self, message: str, opt_out: bool = False):
        super().__init__(message)
        self.opt_out = opt_out


class Sender(Protocol):
    channel: str

    def send(self, message: OutboxMessage) -> SendResult: ...


def parse_quiet_hours(spec: str) -> tuple[time, time] | None:
    if not spec or spec.strip().lower() == "off":
        return None
    start, end = (part.strip() for part in spec.split("-", 1))
    return time.fromisoformat(start), time.fromisoformat(end)


def quiet_until(local_now: datetime, spec: str) -> datetime | None:
    """When quiet hours end, if `local_now` is inside them; None otherwise."""
    window = parse_quiet_hours(spec)
    if window is None:
        return None
    start, end = window
    now_t = local_now.timetz().replace(tzinfo=None)
    inside = (start <= now_t or now_t < end) if start > end else (start <= now_t < end)
    if not inside:
        return None
    end_dt = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return end_dt if end_dt > local_now else end_dt + timedelta(days=1)


def backoff(attempts: int, base: float = 5.0, cap: float = 3600.0) -> float:
    """Exponential backoff with jitter: 5 s, 10 s, 20 s … at most an hour."""
    return min(cap, base * (2 ** max(0, attempts - 1))) * random.uniform(0.8, 1.2)


def provider_of(sender: Sender) -> str:
    """A sender's provider for counting: its `provider` attribute, else its class name without
    "Sender" (TwilioSender: twilio)."""
    return getattr(sender, "provider", None) or type(sender).__name__.removesuffix("Sender").lower()


def _counted_error(sender: Sender, message: OutboxMessage, error: Exception) -> None:
    """The provider's own error code when the sender kept one (`code`), else the exception's kind."""
    code = getattr(error, "code", None) or type(error).__name__
    count("provider_error", channel=message.channel, provider=provider_of(sender), code=str(code)[:40])


class Dispatcher:
    def __init__(self, sessions: sessionmaker[Session], senders: dict[str, Sender], clock: Clock, settings,
                 worker_id: str = "dispatcher", rate_limiter=None, on_permanent_failure=None,
                 before_batch=None):
        self.sessions = sessions
        self.senders = senders
        self.clock = clock
        self.settings = settings
        self.worker_id = worker_id
        self.rate_limiter = rate_limiter  # core.outbox.ratelimit.SendRateLimiter or None
        # Callback(session, message, error): opt-outs, fallbacks
        self.on_permanent_failure = on_permanent_failure
        self.before_batch = before_batch  # callable run by the loop before each batch (answering kept SMS)

    # -- claiming -----------------------------------------------------------------------------
    def claim(self, limit: int = 50) -> list[OutboxMessage]:
        now = self.clock.now()
        lease = self._lease()
        due = or_(
            and_(OutboxMessage.status == "queued",
                 or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now)),
            and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
        )
        with self.sessions.begin() as session:
            query = (
                select(OutboxMessage)
                .where(due, OutboxMessage.channel.in_(list(self.senders)))
                .order_by(OutboxMessage.priority, OutboxMessage.id)
                .limit(limit)
            )
            if session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            messages = list(session.scalars(query))
            for message in messages:
                message.status = "sending"
                message.claimed_by = self.worker_id
                message.claimed_until = now + lease
            return messages

    def _lease(self) -> timedelta:
        return timedelta(seconds=getattr(self.settings, "outbox_lease_seconds",
                                         None) or LEASE.total_seconds())

    def _still_ours(self, message: OutboxMessage) -> bool:
        """A claim with more than half its lease left is ours without asking the database (another
        worker reclaims only after it ends); an older one is renewed first. Saves a write per send."""
        claimed_until = message.claimed_until
        if claimed_until is not None and claimed_until.tzinfo is not None \
                and claimed_until - self.clock.now() > self._lease() / 2:
            return True
        return self._renew(message)

    def _renew(self, message: OutboxMessage) -> bool:
        """Extend this worker's lease right before sending; False when the row was claimed again
        meanwhile (a slow batch outlived its lease), so two workers never send the same row."""
        with self.sessions.begin() as session:
            result = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == self.worker_id,
                       OutboxMessage.status == "sending")
                .values(claimed_until=self.clock.now() + self._lease())
            )
            return result.rowcount == 1

    # -- sending ------------------------------------------------------------------------------
    def run_once(self, limit: int = 50, stop: threading.Event | None = None) -> int:
        """Claim one batch and send it; returns how many rows were claimed. Once `stop` is set, the
        message being sent is finished and recorded and the rest of the batch is handed back, so a
        worker told to stop exits without leaving a message half sent."""
        batch = self.claim(limit)
        for index, message in enumerate(batch):
            if stop is not None and stop.is_set():
                self._hand_back(batch[index:])
                break
            self._deliver(message)
        return len(batch)

    def _hand_back(self, messages: list[OutboxMessage]) -> None:
        """Unsent claims become due again at once, for this or another worker (not after the lease)."""
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([m.id for m in messages]),
                       OutboxMessage.claimed_by == self.worker_id, OutboxMessage.status == "sending")
                .values(status="queued", claimed_until=None)
            )
        logger.info("stopping: %d claimed message(s) handed back unsent", len(messages))

    def _deliver(self, message: OutboxMessage) -> None:
        now = self.clock.now()
        if message.kind not in DIRECT_KINDS:
            later = quiet_until(now.astimezone(self.clock.tz), self.settings.quiet_hours)
            if later is not None:
                self._release(message, not_before=later, count_attempt=False)
                return
        if self.rate_limiter is not None and not self.rate_limiter.allow(message):
            count("rate_limited", scope=f"send:{message.channel}")
            self._release(message, not_before=now + timedelta(seconds=1), count_attempt=False)
            return
        if not self._still_ours(message):
            logger.info("outbox %s was claimed again by another worker; leaving it", message.id)
            return
        sender = self.senders[message.channel]
        try:
            result = sender.send(message)
        except TemporaryError as error:
            _counted_error(sender, message, error)
            self._retry(message, str(error), error.retry_after, provider_of(sender))
        except PermanentError as error:
            _counted_error(sender, message, error)
            self._fail(message, str(error), error, provider=provider_of(sender))
        except Exception as error:  # noqa: BLE001 - an unknown failure is treated as temporary
            logger.warning("send of outbox %s failed: %s", message.id, type(error).__name__)
            _counted_error(sender, message, error)
            self._retry(message, f"{type(error).__name__}: {error}", None, provider_of(sender))
        else:
            count("send", channel=message.channel, provider=provider_of(sender), outcome=result.status)
            values = dict(
                status=result.status, provider_id=result.provider_id, sent_at=self.clock.now(),
                attempts=OutboxMessage.attempts + 1, claimed_until=None, last_error=None,
                delivered_at=self.clock.now() if result.status == "delivered" else None,
            )
            if message.kind == "otp":
                values["text"] = REDACTED_OTP  # a one-time code is kept only until it has left
            with self.sessions.begin() as session:
                mine = update(OutboxMessage).where(OutboxMessage.id == message.id)
                claimed = session.execute(mine.where(OutboxMessage.status == "sending").values(**values))
                if claimed.rowcount == 0:
                    # A delivery report outran this commit (it names the outbox id): keep its status.
                    kept = ("status", "delivered_at", "last_error")
                    session.execute(mine.values(**{k: v for k, v in values.items() if k not in kept}))

    def _release(self, message: OutboxMessage, not_before: datetime, count_attempt: bool) -> None:
        with self.sessions.begin() as session:
            values = dict(status="queued", not_before=not_before, claimed_until=None)
            if count_attempt:
                values["attempts"] = OutboxMessage.attempts + 1
            session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(**values))

    def _retry(self, message: OutboxMessage, error: str, retry_after: float | None,
               provider: str = "") -> None:
        attempts = message.attempts + 1
        if attempts >= self.settings.outbox_max_attempts:
            self._fail(message, error, None, dead=True, provider=provider)
            return
        count("send", channel=message.channel, provider=provider, outcome="retry")
        delay = retry_after if retry_after is not None else backoff(attempts)
        with self.sessions.begin() as session:
            session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message.id).values(
                    status="queued", attempts=attempts, last_error=error[:500], claimed_until=None,
                    not_before=self.clock.now() + timedelta(seconds=delay),
                )
            )

    def _fail(self, message: OutboxMessage, error: str, cause: PermanentError | None, dead: bool = False,
              provider: str = "") -> None:
        count("send", channel=message.channel, provider=provider, outcome="dead" if dead else "failed")
        with self.sessions.begin() as session:
            row = session.get(OutboxMessage, message.id)
            row.status = "dead" if dead else "failed"
            row.attempts = message.attempts + 1
            row.last_error = error[:500]
            row.claimed_until = None
            if self.on_permanent_failure is not None:
                self.on_permanent_failure(session, row, cause)
            if row.kind == "otp":
                row.text = REDACTED_OTP  # never sent, expired in minutes: not kept either

    # -- loop ---------------------------------------------------------------------------------
    def run_forever(self, stop: threading.Event, idle_sleep: float = 0.5, batch: int = 50) -> None:
        while not stop.is_set():
            try:
                if self.before_batch is not None:
                    self.before_batch()
                handled = self.run_once(batch, stop)
            except Exception:  # a database outage must not kill the worker
                logger.exception("dispatch batch failed; retrying")
                handled = 0
            if handled == 0:
                stop.wait(idle_sleep)
