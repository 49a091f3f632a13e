"""What the operations tests share besides fixtures (a module of its own: ``conftest`` is not
importable by name, as ``tests/e2e`` has one too)."""

from __future__ import annotations

from collections.abc import Callable

from e2e_harness import TOKEN, BotProcess

#: The token and its secret part: neither may ever appear in a bot's log.
SECRETS = (TOKEN, TOKEN.split(":", 1)[1])
#: The ``make_bot`` fixture: ``make_bot(**settings)`` gives a bot process, not yet started.
StartBot = Callable[..., BotProcess]
