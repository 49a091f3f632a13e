"""Keeps the bot token out of every log line, whoever writes it.

The token is the bot: anyone who reads it can impersonate levelcheck, read its updates and spam its
users. It travels in every Bot API URL (``https://api.telegram.org/bot<token>/getMe``), so it leaks
through lines levelcheck does not write: python-telegram-bot's ``Set Bot API URL`` at DEBUG, its
``InvalidToken("The token `…` was rejected")`` in tracebacks, httpx's request lines. Silencing those
loggers one by one misses the next one; a filter on the handlers sees every record that is written,
after its arguments are merged and with its traceback and stack already rendered, and masks it there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "[bot token]"
#: Anything shaped like a Telegram bot token: the bot's id, a colon (maybe URL-encoded), the secret.
TOKEN_SHAPE = re.compile(r"\b\d{6,12}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
#: A secret shorter than this is too short to mask on its own without also hiding ordinary words.
_MIN_SECRET = 8


class TokenMask(logging.Filter):
    """Rewrites each record so neither the configured token nor anything token-shaped survives.

    The record is changed in place (message merged with its arguments, traceback and stack rendered
    into text), so every handler after this one, and every formatter, only ever sees the masked text.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, token: str) -> None:
        """Mask ``token`` and its secret part (a URL may spell the colon ``%3A``, or a line carry the
        part after the colon alone)."""
        for secret in (token, token.partition(":")[2]):
            if len(secret) >= _MIN_SECRET and secret not in self._secrets:
                self._secrets.append(secret)
        self._secrets.sort(key=len, reverse=True)  # the whole token before its part

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return TOKEN_SHAPE.sub(MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: logging reports it later
            return True
        record.msg, record.args = self.mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        # Formatters render exc_text when it is set; exc_info would let one render the raw traceback.
        record.exc_info = None
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


def install_token_mask(token: str | None = None, logger: logging.Logger | None = None) -> TokenMask:
    """Puts one ``TokenMask`` on every handler of ``logger`` (default: the root logger, where every
    record of every library ends up) and returns it; installing again reuses the same filter."""
    target = logger or logging.getLogger()
    existing = next(
        (f for h in target.handlers for f in h.filters if isinstance(f, TokenMask)),
        None,
    )
    mask = existing or TokenMask()
    if token:
        mask.add(token)
    for handler in target.handlers:
        if mask not in handler.filters:
            handler.addFilter(mask)
    return mask
