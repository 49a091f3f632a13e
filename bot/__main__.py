"""``python -m bot``: the Telegram bot when BOT_TOKEN is set, else the same interview in the terminal.

Whatever stops it says why in one line, and the exit code tells a supervisor (systemd's
``Restart=on-failure``) what happened: 0 stopped as asked (SIGTERM, SIGINT, ``q``); 1 cannot go on
(the database cannot be opened or written, another process polls with the token, the token was
revoked while running, the Bot API cannot be reached at start); 2 a setting is wrong (including a
token Telegram rejects at start).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.storage import StorageError
from bot.storage.database import DatabaseNotWritableError


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="levelcheck: the Telegram bot with BOT_TOKEN set, else the interview in this terminal.",
    )
    parser.add_argument(
        "--lang",
        metavar="CODE",
        help="terminal: take the assessment in this language (en, ja); default: as before, else LANG",
    )
    parser.add_argument(
        "command",
        nargs="?",
        choices=("set-webhook", "delete-webhook"),
        help="register WEBHOOK_URL with WEBHOOK_SECRET at Telegram, or remove it, then exit",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"levelcheck: {exc}", file=sys.stderr)
        return 2
    if args.command is not None:
        return _webhook_command(settings, args.command)
    try:
        return _run(settings, args.lang)
    except DatabaseNotWritableError as exc:
        # Names the SQLite file: a path, which carries no password (a URL might).
        print(f"levelcheck: {exc}", file=sys.stderr)
        return 1
    except (OSError, SQLAlchemyError, StorageError) as exc:
        # Not the URL itself: it may carry a password.
        print(
            f"levelcheck: cannot open the database named by DATABASE_URL ({type(exc).__name__})",
            file=sys.stderr,
        )
        return 1


def _run(settings: Settings, language: str | None = None) -> int:
    if settings.bot_token is None:
        configure_logging("WARNING" if settings.log_level in ("INFO", "DEBUG") else settings.log_level)
        from bot.app import RuntimeOptions, open_runtime
        from bot.terminal import run_terminal

        async def terminal() -> int:
            options = RuntimeOptions.from_settings(settings)
            runtime = await open_runtime(settings.database_url, settings.standard_set(), options)
            try:
                return await run_terminal(runtime.service, language)
            finally:
                await runtime.close()

        try:
            return asyncio.run(terminal())
        except KeyboardInterrupt:
            print("\nYour answers are saved. Run levelcheck again to resume.")
            return 0
    configure_logging(settings.log_level, settings.bot_token.get_secret_value(), settings.log_format)
    if settings.webhook_mode:
        from bot.telegram_webhook_server import run_webhook

        return run_webhook(settings)
    from bot.telegram_polling import run_telegram

    return run_telegram(settings)


def _webhook_command(settings: Settings, command: str) -> int:
    """``set-webhook`` / ``delete-webhook``: one line on stdout (done) or stderr (why not)."""
    from bot.telegram_webhook_commands import delete_webhook, set_webhook

    token = settings.bot_token.get_secret_value() if settings.bot_token else None
    configure_logging("WARNING" if settings.log_level in ("INFO", "DEBUG") else settings.log_level, token)
    try:
        code, line = (set_webhook if command == "set-webhook" else delete_webhook)(settings)
    except ConfigError as exc:
        code, line = 2, str(exc)
    print(f"levelcheck: {line}", file=sys.stdout if code == 0 else sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
