"""A SQLite database the bot cannot write is refused at start, in one line naming its path.

Before, the bot started normally on a read-only file (SQLite opens one without complaint, and the
migrations at head only read) and then failed every command. Permission bits mean nothing to root,
and CI runs as root: so the processes here run as an unprivileged user (``nobody``) when the tests
run as root, and as the current user otherwise; either way the modes set below are what they meet.
The in-process cases use paths nobody can write, root included (a path under a regular file).
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_harness import REPO_ROOT, TOKEN, bot_environment
from fakes.bot_api import FakeBotApi

from bot.app import open_runtime
from bot.storage import upgrade_database
from bot.storage.database import DatabaseNotWritableError, ensure_writable_database

READ_ONLY_FILE, WRITABLE_FILE = 0o444, 0o666
READ_ONLY_DIR, WRITABLE_DIR = 0o555, 0o777


_PR_CAPBSET_DROP = 24
#: The capabilities that let root ignore permission bits: override, read/search override, owner checks.
_PERMISSION_BYPASSING_CAPABILITIES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def unprivileged() -> dict[str, Any]:
    """``subprocess`` arguments under which permission bits apply to the child, even when the tests
    run as root (as CI does): the child stays root but loses the capabilities that bypass them, from
    its bounding set, so not even the ``execve`` of Python gives them back (root owns the files here,
    so the owner's bits decide). Where that is not allowed, the child becomes ``nobody`` instead."""
    if os.geteuid() != 0:
        return {}
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork: the child only calls it
    try:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
    except KeyError:
        uid = gid = 65534

    def drop() -> None:
        dropped = all(
            libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) == 0 for cap in _PERMISSION_BYPASSING_CAPABILITIES
        )
        if not dropped:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

    return {"preexec_fn": drop}


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="levelcheck-ops-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


def migrated(path: Path) -> Path:
    asyncio.run(upgrade_database(f"sqlite:///{path}"))
    return path


def run_bot(cwd: Path, database: Path, fake: FakeBotApi | None) -> subprocess.CompletedProcess[str]:
    settings = {"DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "INFO"}
    if fake is not None:
        settings["BOT_TOKEN"] = TOKEN
    env = bot_environment(fake, **settings)
    env["PYTHONPATH"] = str(REPO_ROOT)  # the project is installed editable; its path file may be root's
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=cwd,
        env=env,
        input="q\n",
        capture_output=True,
        text=True,
        timeout=60,
        **unprivileged(),
    )


CASES = [
    pytest.param(
        READ_ONLY_FILE, WRITABLE_DIR, True, "the file is not writable (Permission denied)", id="file"
    ),
    pytest.param(
        WRITABLE_FILE, READ_ONLY_DIR, True, "its folder is not writable (Permission denied)", id="dir"
    ),
    pytest.param(None, READ_ONLY_DIR, False, "its folder is not writable (Permission denied)", id="new-file"),
]


@pytest.mark.parametrize("mode", ["terminal", "telegram"])
@pytest.mark.parametrize(("file_mode", "dir_mode", "exists", "reason"), CASES)
def test_an_unwritable_sqlite_database_is_refused_at_start_naming_it(
    shared: Path,
    fake: FakeBotApi,
    mode: str,
    file_mode: int | None,
    dir_mode: int,
    exists: bool,
    reason: str,
) -> None:
    folder = shared / "data"
    folder.mkdir()
    database = folder / "levelcheck.sqlite3"
    if exists:
        migrated(database).chmod(file_mode or 0)
    folder.chmod(dir_mode)
    done = run_bot(shared, database, fake if mode == "telegram" else None)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.splitlines() == [f"levelcheck: cannot write the SQLite database {database}: {reason}"]
    assert done.stdout == ""  # the terminal asked nothing
    assert database.exists() == exists
    if mode == "telegram":
        assert {c.method for c in fake.requests} <= {"getMe"}  # no command menu, no polling


def test_the_same_database_writable_starts_as_that_user(shared: Path) -> None:
    """The control: as that same user, with write access, the terminal interview begins (so the
    refusals above are about the permissions, not about running as another user)."""
    folder = shared / "data"
    folder.mkdir()
    database = migrated(folder / "levelcheck.sqlite3")
    database.chmod(WRITABLE_FILE)
    folder.chmod(WRITABLE_DIR)
    done = run_bot(shared, database, None)
    assert done.returncode == 0, done.stderr
    assert "Your answers are saved." in done.stdout


def test_a_folder_that_cannot_be_created_is_named(shared: Path) -> None:
    folder = shared / "data"
    folder.mkdir()
    folder.chmod(READ_ONLY_DIR)
    database = folder / "more" / "levelcheck.sqlite3"
    done = run_bot(shared, database, None)
    assert done.returncode == 1
    expected = f"levelcheck: cannot write the SQLite database {database}: its folder cannot be created"
    assert done.stderr.splitlines() == [f"{expected} (Permission denied)"]


# --- in-process: paths that nobody, not even root, can write --------------------------------------


def test_a_path_under_a_regular_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    database = blocker / "levelcheck.sqlite3"
    with pytest.raises(DatabaseNotWritableError) as refused:
        ensure_writable_database(f"sqlite:///{database}")
    assert refused.value.path == database
    assert str(refused.value) == (
        f"cannot write the SQLite database {database}: its folder cannot be created "
        "(a part of the path is a file, not a folder)"
    )


def test_a_folder_where_the_file_should_be_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "levelcheck.sqlite3"
    database.mkdir()
    with pytest.raises(DatabaseNotWritableError, match="it is not a file"):
        ensure_writable_database(f"sqlite+aiosqlite:///{database}")


async def test_open_runtime_refuses_before_migrating(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(DatabaseNotWritableError):
        await open_runtime(f"sqlite:///{blocker / 'levelcheck.sqlite3'}")
    assert blocker.read_text() == ""


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "postgresql://levelcheck:secret@127.0.0.1:1/nowhere"],
)
def test_databases_without_a_file_of_ours_are_not_checked(url: str) -> None:
    ensure_writable_database(url)  # no error, no connection attempt


def test_a_writable_database_passes_and_nothing_is_left_behind(tmp_path: Path) -> None:
    database = migrated(tmp_path / "new" / "levelcheck.sqlite3")
    before = sorted(p.name for p in database.parent.iterdir())
    ensure_writable_database(f"sqlite:///{database}")
    ensure_writable_database(f"sqlite:///{tmp_path / 'other' / 'levelcheck.sqlite3'}")
    assert sorted(p.name for p in database.parent.iterdir()) == before
    assert not (tmp_path / "other" / "levelcheck.sqlite3").exists()
