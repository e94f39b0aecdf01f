"""Signals of the case engine, for the domains that react to what happens to cases.

``event_recorded`` is sent by :func:`baladiya.cases.trail.append_event` for every event, inside
the transaction that records it. Receivers (notifications' outbox, statistics roll-ups) write in
that same transaction, so either the event and everything it causes are saved, or none of it.
Receivers must stay cheap: they run on every change of every case.
"""

from django.dispatch import Signal

# Sent with: event (the CaseEvent just saved), case (the Case, as the service holds it).
event_recorded = Signal()
