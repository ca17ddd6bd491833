"""What channels and commands need from the one composition root (ansinh.runtime.Runtime), as a
Protocol core defines: adapters name it in their signatures without importing ansinh, and the
root alone builds the parts."""
from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from core.clock import Clock
    from core.conversation.dialog import Dialog
    from core.settings import Settings
    from core.storage.dedupe import Dedupe
    from core.storage.state import StateStore


class RuntimeParts(Protocol):
    settings: Settings
    clock: Clock

    @property
    def sessions(self) -> sessionmaker[Session]: ...

    @property
    def state(self) -> StateStore: ...

    @property
    def dialog(self) -> Dialog: ...

    @property
    def dedupe(self) -> Dedupe: ...
