"""Settings from the environment (and a ``.env`` file); secrets never come from anywhere else.

A missing or malformed setting stops the start with one line naming it, because a bot that
starts half-configured fails later in a place that is much harder to read.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.log_safety import install_token_mask
from criteria import StandardError, StandardSet, load_standard

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """One line naming the setting that is wrong."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, validation_alias="BOT_TOKEN")
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    admin_ids: Annotated[tuple[int, ...], NoDecode] = Field(default=(), validation_alias="ADMIN_IDS")
    bot_api_base_url: str | None = Field(default=None, validation_alias="BOT_API_BASE_URL")
    bot_api_file_url: str | None = Field(default=None, validation_alias="BOT_API_FILE_URL")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    #: Packaged standard ids or standard files offered for new assessments; the first is the default.
    standards: Annotated[tuple[str, ...], NoDecode] = Field(default=(), validation_alias="STANDARDS")

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or not _TOKEN.match(value.strip()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters)")
        return value.strip()

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admins(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be comma-separated Telegram user ids (whole numbers)")
            return tuple(int(p) for p in parts)
        return value

    @field_validator("standards", mode="before")
    @classmethod
    def _standards(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        references = tuple(p.strip() for p in value.split(",") if p.strip())
        ids = []
        for reference in references:
            try:
                ids.append(load_standard(reference).id)
            except StandardError as exc:
                raise ValueError(f"cannot offer {reference!r}: {exc}") from None
        if len(set(ids)) != len(ids):
            raise ValueError("names the same standard twice")
        return references

    def standard_set(self) -> StandardSet:
        return StandardSet.from_references(self.standards)

    @field_validator("database_url", "bot_api_base_url", "bot_api_file_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from sqlalchemy.exc import ArgumentError

        from bot.storage import normalize_database_url  # the storage layer decides what it can run

        try:
            normalize_database_url(value.strip())
        except (ValueError, ArgumentError):
            # never the value itself: a database URL may carry a password
            raise ValueError("must be a sqlite:// or postgresql:// database URL") from None
        return value.strip()

    @field_validator("bot_api_base_url", "bot_api_file_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return "INFO"  # blank means unset, as for every other variable
        if isinstance(value, str) and value.strip().upper() in LOG_LEVELS:
            return value.strip().upper()
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")


_ENV_NAMES = {
    "bot_token": "BOT_TOKEN",
    "database_url": "DATABASE_URL",
    "admin_ids": "ADMIN_IDS",
    "bot_api_base_url": "BOT_API_BASE_URL",
    "bot_api_file_url": "BOT_API_FILE_URL",
    "log_level": "LOG_LEVEL",
    "standards": "STANDARDS",
}


def load_settings() -> Settings:
    """Settings, or ConfigError with one line naming the first bad variable (never its value)."""
    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "settings"
        name = _ENV_NAMES.get(name, name)
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"configuration error: {name} {message}") from None


def configure_logging(level: str, token: str | None = None) -> None:
    """Log lines to stderr at ``level``, with the bot token masked in every one of them.

    The mask is installed before anything can log (python-telegram-bot names its Bot API URL, token
    included, at DEBUG; an exception about a rejected token carries it in its message), and it also
    masks anything shaped like a bot token, so a token pasted somewhere else is not printed either.
    """
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_token_mask(token)
    # httpx logs every request URL at INFO: masked now, but one line per long poll drowns the bot's own.
    quiet = max(logging.WARNING, logging.getLevelName(level))
    logging.getLogger("httpx").setLevel(quiet)
    # Chatty libraries: every transition and every migration plugin at INFO drowns the bot's own lines.
    for name in ("transitions", "alembic", "apscheduler"):
        logging.getLogger(name).setLevel(quiet)
