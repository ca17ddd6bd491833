"""Counting what the core does, without the core knowing who counts.

The core says `count("turn", channel="sms", intent="payment_status")`; whoever listens (the
Prometheus metrics of ansinh/metrics.py) turns it into a number. Without a listener a count costs
one empty loop, so tests and commands that never start metrics pay nothing.

Events and their labels (ansinh/metrics.py maps each to one metric):
  turn             channel, intent                      one conversation turn answered
  send             channel, provider, outcome           a dispatch attempt: sent, delivered, retry, failed,
  dead
  provider_error   channel, provider, code              an error a provider answered with
  receipt          channel, status                      a delivery receipt applied: sent, delivered, failed
  rate_limited     scope                                an attempt refused by a rate limit
  store_error      store                                Redis (or another store) failed and was degraded
  around
  import_rows      kind, outcome  (amount = rows)       rows read by an import: accepted or rejected
  import_seconds   kind           (amount = seconds)    time spent importing a file
  login_failed     (none)                               an officer's failed sign-in
  scheduler_run    outcome                              a run of the reminder scheduler: ok or failed
"""
from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, float, dict], None]  # (event, amount, labels)
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Register a listener once (registering it again changes nothing)."""
    if listener not in _listeners:
        _listeners.append(listener)


def stop_listening(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def count(event: str, amount: float = 1, **labels: str) -> None:
    for listener in _listeners:
        listener(event, amount, labels)
