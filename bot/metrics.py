"""What an operator graphs and alerts on, as Prometheus metrics served at ``/metrics``.

The metric objects live here, in a registry of their own (not the client's global one, which would
also carry whatever else the process imports), so the code that counts — the update entry point,
the services — increments them without knowing HTTP, and the webhook's ``/metrics`` only renders
``REGISTRY``. Labels carry kinds, never people.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.storage.models import Interview, Result

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter(
    "levelcheck_updates_handled",
    "Telegram updates handled, by kind (message, callback_query, edited_message, other)",
    ["kind"],
    registry=REGISTRY,
)
HANDLING_SECONDS = Histogram(
    "levelcheck_update_handling_seconds",
    "Time from receiving an update to its last commit and reply",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
ERRORS = Counter(
    "levelcheck_update_errors",
    "Updates whose handling failed; retried=true when Telegram was asked to deliver them again",
    ["retried"],
    registry=REGISTRY,
)
DUPLICATES = Counter(
    "levelcheck_duplicate_updates_dropped",
    "Updates delivered again (a redelivery or a duplicate) and dropped: they had been applied already",
    registry=REGISTRY,
)
INTERVIEWS_STARTED = Counter(
    "levelcheck_interviews_started", "Interviews opened (new or continued from a result)", registry=REGISTRY
)
INTERVIEWS_FINISHED = Counter(
    "levelcheck_interviews_finished", "Interviews finished with a result", registry=REGISTRY
)

CONTENT_TYPE = CONTENT_TYPE_LATEST


def render() -> bytes:
    """The registry in Prometheus' text format."""
    return generate_latest(REGISTRY)


# Interviews started and finished are counted when the transaction inserting their row (an
# interview; a result, which only a finished interview gets) commits — not when a service decides
# to, so a rolled-back duplicate counts nothing and no service has to know about metrics.
_PENDING = "levelcheck.metrics.pending"


def _note_inserts(session: Session, _context: Any) -> None:
    started, finished = session.info.get(_PENDING, (0, 0))
    for row in session.new:
        if isinstance(row, Interview):
            started += 1
        elif isinstance(row, Result):
            finished += 1
    session.info[_PENDING] = (started, finished)


def _committed(session: Session) -> None:
    started, finished = session.info.pop(_PENDING, (0, 0))
    if started:
        INTERVIEWS_STARTED.inc(started)
    if finished:
        INTERVIEWS_FINISHED.inc(finished)


def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


event.listen(Session, "after_flush", _note_inserts)
event.listen(Session, "after_commit", _committed)
event.listen(Session, "after_rollback", _rolled_back)
