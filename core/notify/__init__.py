"""Payment notifications: who hears about a beneficiary's money, what they are told, and when.

The import listener (`events`) turns payment results and cash schedules into outbox rows in the
import's own transaction; `scheduled` queues the reminders and receipt questions that are due on
a day; `receipts` reads the answers (a complaint's own workflow is in core/complaints).

May import: answers, complaints, conversation, outbox, privacy, storage, models and the loose
modules."""
