"""Complaints: tickets filed from a person's words (`tickets`), the not_received complaint a
receipt answer opens (`opening`), and the officer's side: assign, answer, resolve
(`workflow`).

May import: answers, conversation, notify, outbox, privacy, models and the loose modules."""
