"""``python -m bot set-webhook`` / ``delete-webhook``: registering the webhook is an operator's act.

A start never registers it (``bot.telegram_webhook_server``): run ``set-webhook`` once per deploy
(or after rotating ``WEBHOOK_SECRET``), ``delete-webhook`` before going back to polling. Pending
updates are never dropped: whatever Telegram holds is delivered to the new address.
"""

from __future__ import annotations

import asyncio

from telegram import Bot, Update
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError

from bot.config import ConfigError, Settings

#: The update kinds the handlers act on; Telegram does not send the others (fewer requests).
ALLOWED_UPDATES = (Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY)


def set_webhook(settings: Settings) -> tuple[int, str]:
    """Registers WEBHOOK_URL with WEBHOOK_SECRET; returns the exit code and the one line to print."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        raise ConfigError("configuration error: set-webhook needs WEBHOOK_URL and WEBHOOK_SECRET")
    return asyncio.run(_call(settings, register=True))


def delete_webhook(settings: Settings) -> tuple[int, str]:
    """Removes the webhook (polling works again); pending updates are kept for getUpdates."""
    return asyncio.run(_call(settings, register=False))


async def _call(settings: Settings, *, register: bool) -> tuple[int, str]:
    if settings.bot_token is None:
        raise ConfigError("configuration error: BOT_TOKEN must be set to change the webhook")
    options: dict[str, str] = {}
    if settings.bot_api_base_url:
        options["base_url"] = settings.bot_api_base_url
    if settings.bot_api_file_url:
        options["base_file_url"] = settings.bot_api_file_url
    bot = Bot(settings.bot_token.get_secret_value(), **options)
    try:
        async with bot:
            if register:
                assert settings.webhook_url is not None and settings.webhook_secret is not None
                await bot.set_webhook(
                    url=settings.webhook_url,
                    secret_token=settings.webhook_secret.get_secret_value(),
                    allowed_updates=ALLOWED_UPDATES,
                    drop_pending_updates=False,
                )
            else:
                await bot.delete_webhook(drop_pending_updates=False)
            info = await bot.get_webhook_info()
    except (InvalidToken, Forbidden) as exc:
        return 2, f"Telegram rejected the bot token ({type(exc).__name__}): check BOT_TOKEN"
    except NetworkError as exc:  # BadRequest too: Telegram refused the address (not https, say)
        return 1, f"the Bot API refused or did not answer ({type(exc).__name__}: {exc.message})"
    except TelegramError as exc:
        return 1, f"the Bot API refused the call ({type(exc).__name__})"
    pending = info.pending_update_count
    if register:
        return 0, f"webhook set to {info.url}; {pending} updates pending"
    return 0, f"webhook deleted; {pending} updates pending for polling"
