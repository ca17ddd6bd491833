"""What is due on a day: cash-day reminders and receipt questions. Idempotent (keys and the
ReceiptCheck unique row), so cron and the worker may both run it, as often as they like."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from core.clock import Clock
from core.storage.db import transaction
from core.notify.receipts import queue_receipt_questions
from core.notify.reminders import queue_reminders

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledRun:
    day: date
    reminders: int
    receipt_questions: int


def run_scheduled(sessions: sessionmaker[Session], settings, clock: Clock,
                  today: date | None = None) -> ScheduledRun:
    """Queue what is due on `today` (the clock's local date by default); each part commits alone."""
    day = today or clock.today()
    with transaction(sessions) as session:
        reminders = queue_reminders(session, settings, clock, day)
    with transaction(sessions) as session:
        questions = queue_receipt_questions(session, settings, clock, day)
    logger.info("scheduled run for %s: %s reminders, %s receipt questions", day, reminders, questions)
    return ScheduledRun(day, reminders, questions)
