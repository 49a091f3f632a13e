"""A missing or malformed setting stops ``python -m bot`` at once: exit code 2, one line naming it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from e2e_harness import REPO_ROOT, TOKEN, bot_environment

BAD_SETTINGS = [
    pytest.param({"BOT_TOKEN": "garbage-not-a-token"}, "BOT_TOKEN", id="token-garbage"),
    pytest.param({"BOT_TOKEN": "123456:secret part with spaces"}, "BOT_TOKEN", id="token-spaces"),
    pytest.param({"BOT_TOKEN": "no-colon-SECRETVALUE42"}, "BOT_TOKEN", id="token-no-colon"),
    pytest.param({"ADMIN_IDS": "1,x"}, "ADMIN_IDS", id="admins-not-numbers"),
    pytest.param({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", id="log-level"),
    pytest.param({"BOT_API_BASE_URL": "ftp://127.0.0.1/bot"}, "BOT_API_BASE_URL", id="base-url"),
    pytest.param({"BOT_API_FILE_URL": "not a url"}, "BOT_API_FILE_URL", id="file-url"),
    pytest.param(
        {"DATABASE_URL": "mysql://user:hunter2pw@127.0.0.1/levelcheck"}, "DATABASE_URL", id="db-mysql"
    ),
    pytest.param({"DATABASE_URL": "not a database url"}, "DATABASE_URL", id="db-garbage"),
]


@pytest.mark.parametrize(("settings", "name"), BAD_SETTINGS)
def test_bad_setting_stops_the_start_with_one_clear_line(settings, name, tmp_path):
    good = {
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never-created.sqlite3'}",
        # Nothing listens here: a bot that got past its settings would fail on the network instead.
        "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",
        "BOT_API_FILE_URL": "http://127.0.0.1:9/file/bot",
    }
    env = bot_environment(None, **{**good, **settings})
    done = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = done.stderr.splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert name in lines[0]
    assert lines[0].startswith("levelcheck: configuration error:")
    assert done.stdout == ""
    for value in settings.values():
        for secret in (value, *value.split(":")[1:], "hunter2pw", "SECRETVALUE42"):
            assert secret not in done.stderr
    assert TOKEN.split(":", 1)[1] not in done.stderr
    assert not (tmp_path / "never-created.sqlite3").exists()
