"""SQLAlchemy 2.0 typed models: the system of record.

Every table is created by an Alembic migration (core/migrations), never by `create_all`.

May import: nothing else of core."""
from core.models.base import Base, utcnow
from core.models.reference import Category, FormerUnit, Programme, ProviderAlias, StandardLevel, Unit
from core.models.people import Beneficiary, BeneficiaryCategory, Contact, Identity, Person
from core.models.payments import CashSchedule, Payment
from core.models.service import (
    AuditLog,
    Complaint,
    ComplaintEvent,
    OtpChallenge,
    RateCounter,
    SeenMessage,
    StateEntry,
)
from core.models.outbox import OutboxMessage, ProviderToken
from core.models.console import Broadcast, Officer, ReceiptCheck
from core.models.privacy import Erasure

__all__ = [
    "Base", "utcnow", "Unit", "FormerUnit", "Programme", "Category", "StandardLevel", "ProviderAlias",
    "Beneficiary",
    "BeneficiaryCategory", "Person", "Identity", "Contact", "Payment", "CashSchedule",
    "Complaint", "ComplaintEvent", "AuditLog", "OtpChallenge", "RateCounter", "SeenMessage", "StateEntry",
    "OutboxMessage", "ProviderToken", "Officer", "Broadcast", "ReceiptCheck",
    "Erasure",
]
