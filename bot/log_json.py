"""Log records as one JSON object per line, for log collectors that index fields instead of grepping.

A collector (Loki, CloudWatch, journald's JSON export, ``docker logs`` shipped to Elasticsearch) splits
plain text lines on guesses; a multi-line traceback becomes a dozen unrelated events. One object per
line keeps a record and its traceback together and makes ``level`` and ``logger`` queryable.

The object has a fixed set of keys — ``time``, ``level``, ``logger``, ``message`` and, when the record
carries an exception, ``exception`` (its type) and ``traceback`` — and nothing else: attributes passed
with ``extra=`` are left out on purpose, so nothing about a person can ride along into a field the text
format would not have shown either. The token mask (``bot.log_safety.TokenMask``) runs on the handler
before this formatter and rewrites the message and the traceback in place, so both arrive masked here.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

#: The attribute ``ExceptionTypeKeeper`` leaves on a record; the token mask drops ``exc_info`` later.
EXCEPTION_TYPE_ATTRIBUTE = "levelcheck_exception_type"


class ExceptionTypeKeeper(logging.Filter):
    """Remembers the exception's type on the record before ``TokenMask`` renders and drops ``exc_info``.

    It must be added to the handler before the mask: filters run in the order they were added, and
    after the mask only the (masked) traceback text is left.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            setattr(record, EXCEPTION_TYPE_ATTRIBUTE, qualified_name(record.exc_info[0]))
        return True


def qualified_name(kind: type[BaseException]) -> str:
    """``telegram.error.InvalidToken``, but ``ValueError`` for built-ins, as a traceback names them."""
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


class JsonLogFormatter(logging.Formatter):
    """Formats a record as one line of JSON; newlines inside values are escaped by ``json.dumps``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        exception_type = getattr(record, EXCEPTION_TYPE_ATTRIBUTE, None)
        if exception_type is None and record.exc_info and record.exc_info[0] is not None:
            exception_type = qualified_name(record.exc_info[0])  # no mask installed: still say what it was
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if exception_type is not None:
            entry["exception"] = exception_type
        if record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
