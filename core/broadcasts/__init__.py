"""Officers' announcements: writing, previewing, four-eyes approval and fan-out
(`lifecycle`), who they reach (`audience`), the fields an officer may write (`template`) and
the samples an approver reads (`samples`).

May import: answers, conversation, officers, outbox, privacy, models and the loose
modules."""
