"""Settings: every variable's valid and malformed forms, the .env file, and one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import LOG_LEVELS, ConfigError, Settings, load_settings

VARIABLES = ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "BOT_API_BASE_URL", "BOT_API_FILE_URL", "LOG_LEVEL")
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting from the developer's shell, and a working directory without a .env file."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.chdir(tmp_path)


def _error(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"configuration error: {name} "), message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    return message


def test_defaults_without_any_setting() -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.database_url is None
    assert settings.admin_ids == ()
    assert (settings.bot_api_base_url, settings.bot_api_file_url) == (None, None)
    assert settings.log_level == "INFO"


# --- BOT_TOKEN -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [TOKEN, f"  {TOKEN}\n", "1:a", "42:abc_DEF-123"])
def test_bot_token_valid(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BOT_TOKEN", value)
    token = load_settings().bot_token
    assert token is not None and token.get_secret_value() == value.strip()


@pytest.mark.parametrize("value", ["", "   "])
def test_bot_token_blank_means_terminal(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BOT_TOKEN", value)
    assert load_settings().bot_token is None


@pytest.mark.parametrize(
    "value",
    [
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "abc:AAHdqTcvCH1v",
        "123456789:",
        "123456789:AAH dqTcv",
        "12 34:AAHdq",
    ],
)
def test_bot_token_malformed_is_named_and_never_echoed(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    message = _error(monkeypatch, "BOT_TOKEN", value)
    assert value.strip() not in message
    assert "AAHdq" not in message


def test_a_valid_token_never_shows_in_another_settings_error_or_the_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    message = _error(monkeypatch, "ADMIN_IDS", "1,x")
    assert TOKEN not in message and "AAHdq" not in message
    monkeypatch.delenv("ADMIN_IDS")
    settings = load_settings()
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)


# --- DATABASE_URL --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "sqlite:///levelcheck.sqlite3",
        "sqlite+aiosqlite:////var/lib/levelcheck/db.sqlite3",
        "postgresql://levelcheck@db.example.internal/levelcheck",
        "postgres://user:pw@127.0.0.1:5432/db?sslmode=require",
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dt_1",
    ],
)
def test_database_url_valid(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DATABASE_URL", value)
    assert load_settings().database_url == value


@pytest.mark.parametrize("value", ["", "  "])
def test_database_url_blank_means_the_default_sqlite_file(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", value)
    assert load_settings().database_url is None


@pytest.mark.parametrize(
    "value", ["mysql://root:hunter2@localhost/levelcheck", "nonsense-hunter2", "oracle://u:hunter2@h/db"]
)
def test_database_url_malformed_is_named_and_never_echoed(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    message = _error(monkeypatch, "DATABASE_URL", value)
    assert "hunter2" not in message and value not in message


# --- ADMIN_IDS -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ids"),
    [
        ("1, 2,3", (1, 2, 3)),
        ("", ()),
        ("   ", ()),
        ("42", (42,)),
        (" 7 ,\t8 ", (7, 8)),
        ("123456789012", (123456789012,)),
    ],
)
def test_admin_ids_valid(monkeypatch: pytest.MonkeyPatch, value: str, ids: tuple[int, ...]) -> None:
    monkeypatch.setenv("ADMIN_IDS", value)
    assert load_settings().admin_ids == ids


@pytest.mark.parametrize("value", ["1,x", "x", "[1, 2]", "1;2", "1 2", "1.5", "0x10"])
def test_admin_ids_malformed(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    message = _error(monkeypatch, "ADMIN_IDS", value)
    assert "comma-separated" in message


# --- BOT_API_BASE_URL / BOT_API_FILE_URL --------------------------------------------------------


@pytest.mark.parametrize("name", ["BOT_API_BASE_URL", "BOT_API_FILE_URL"])
@pytest.mark.parametrize("value", ["http://127.0.0.1:8081/bot", "https://api.example.org/file/bot"])
def test_bot_api_urls_valid(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    assert getattr(load_settings(), name.lower()) == value


@pytest.mark.parametrize("name", ["BOT_API_BASE_URL", "BOT_API_FILE_URL"])
def test_bot_api_urls_blank_are_unset(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, " ")
    assert getattr(load_settings(), name.lower()) is None


@pytest.mark.parametrize("name", ["BOT_API_BASE_URL", "BOT_API_FILE_URL"])
@pytest.mark.parametrize("value", ["127.0.0.1:8081/bot", "ftp://example.org/bot", "http://", "http:///bot"])
def test_bot_api_urls_malformed(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    assert "http(s) URL" in _error(monkeypatch, name, value)


# --- LOG_LEVEL -----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", LOG_LEVELS)
@pytest.mark.parametrize("spelling", [str.upper, str.lower, str.title, lambda s: f" {s.lower()} "])
def test_log_level_is_case_insensitive(monkeypatch: pytest.MonkeyPatch, level: str, spelling) -> None:
    monkeypatch.setenv("LOG_LEVEL", spelling(level))
    assert load_settings().log_level == level


@pytest.mark.parametrize("value", ["verbose", "10", "WARN", "info,debug"])
def test_log_level_malformed(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    message = _error(monkeypatch, "LOG_LEVEL", value)
    assert all(level in message for level in LOG_LEVELS)


# --- .env ----------------------------------------------------------------------------------------


def test_the_env_file_in_the_working_directory_is_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        f"BOT_TOKEN={TOKEN}\n"
        "DATABASE_URL=sqlite:///from-dotenv.sqlite3\n"
        'ADMIN_IDS="1, 2,3"\n'
        "BOT_API_BASE_URL=http://127.0.0.1:8081/bot\n"
        "BOT_API_FILE_URL=http://127.0.0.1:8081/file/bot\n"
        "LOG_LEVEL=debug\n"
        "SOMETHING_ELSE=ignored\n",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.bot_token is not None and settings.bot_token.get_secret_value() == TOKEN
    assert settings.database_url == "sqlite:///from-dotenv.sqlite3"
    assert settings.admin_ids == (1, 2, 3)
    assert settings.bot_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.bot_api_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.log_level == "DEBUG"


def test_the_environment_wins_over_the_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\nADMIN_IDS=1\n", encoding="utf-8")
    monkeypatch.setenv("LOG_LEVEL", "error")
    settings = load_settings()
    assert (settings.log_level, settings.admin_ids) == ("ERROR", (1,))


def test_a_malformed_env_file_value_is_named(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=not-a-token-hunter2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"^configuration error: BOT_TOKEN ") as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)


def test_an_env_file_elsewhere_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.chdir(elsewhere)  # the autouse fixture's monkeypatch.chdir restores the directory
    assert Settings().log_level == "INFO"


# --- python -m bot -------------------------------------------------------------------------------


def test_python_m_bot_prints_one_line_and_exits_2_on_a_bad_setting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env["BOT_TOKEN"] = "123456789:bad token hunter2"
    done = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stdout == ""
    reason = "does not look like a bot token (digits, a colon, then letters)"
    assert done.stderr.splitlines() == [f"levelcheck: configuration error: BOT_TOKEN {reason}"]
    assert not list(tmp_path.iterdir())  # no database was created


def test_python_m_bot_says_in_one_line_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env["DATABASE_URL"] = "postgresql://levelcheck:s3cret@127.0.0.1:1/nowhere"  # nothing listens on port 1
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("levelcheck: cannot open the database named by DATABASE_URL")
    assert "s3cret" not in done.stderr + done.stdout
