"""A PostgreSQL server of the test's own: ``initdb`` in a fresh folder, ``pg_ctl`` on a free port.

A test that stops and restarts PostgreSQL must never touch the machine's shared server (other tests,
other people use it), so it builds a throw-away cluster: the binaries come from ``pg_config
--bindir`` or Debian's ``/usr/lib/postgresql/<version>/bin``; the cluster listens on 127.0.0.1 and a
socket in its own folder only, trusts local connections (nothing but the test reaches it) and runs
without fsync (its data dies with the test). PostgreSQL refuses to run as root, so as root (CI) the
server runs as the ``postgres`` user (else ``nobody``) in a folder under the system's temporary
directory that user owns: pytest's ``tmp_path`` sits in a folder private to root.

Missing binaries skip the test with one line, except on CI (``CI=true``), where that fails it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

USER = "levelcheck"
_TOOLS = ("initdb", "pg_ctl", "postgres")


def postgres_bindir() -> Path | None:
    """Where ``initdb``, ``pg_ctl`` and ``postgres`` are, newest version first; None if nowhere."""
    candidates: list[Path] = []
    try:
        found = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        candidates.append(Path(found.stdout.strip()))
    except (OSError, subprocess.CalledProcessError):
        pass
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
    candidates += debian
    initdb = shutil.which("initdb")
    if initdb is not None:
        candidates.append(Path(initdb).resolve().parent)
    return next((c for c in candidates if all((c / tool).is_file() for tool in _TOOLS)), None)


def _version(bindir: Path) -> tuple[int, ...]:
    digits = bindir.parent.name.split(".")
    return tuple(int(d) for d in digits if d.isdigit())


def require_postgres_bindir() -> Path:
    """The binaries' folder, or skip (fail with ``CI=true``) the calling test."""
    bindir = postgres_bindir()
    if bindir is not None:
        return bindir
    message = "PostgreSQL binaries (initdb, pg_ctl) not found: no pg_config --bindir, no /usr/lib/postgresql"
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


class PrivateCluster:
    """One throw-away cluster; ``destroy()`` stops it (immediately) and deletes its folder."""

    def __init__(self, bindir: Path, port: int) -> None:
        self.bindir = bindir
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="levelcheck-pg-"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "server.log"
        self._as_user = _unprivileged()
        if self._as_user:
            os.chown(self.folder, self._as_user["user"], self._as_user["group"])
        self.folder.chmod(0o700)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--no-instructions",
        )

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self._pg_ctl("start", "-o", self._server_options())

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every session is terminated, the server comes back on the same
        port; returns once it accepts connections again."""
        self._pg_ctl("restart", "-m", "fast", "-o", self._server_options())

    @property
    def running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def destroy(self) -> None:
        try:
            if self.data.exists() and self.running:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def server_log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def _server_options(self) -> str:
        return f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-w", "-t", "60", *args, check=check
        )

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.bindir / tool), *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=self.folder,
            timeout=120,
            **self._as_user,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{tool} {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}\n"
                f"{self.server_log}"
            )
        return done


def _unprivileged() -> dict[str, Any]:
    """``subprocess`` arguments that run PostgreSQL's tools as a user it accepts (not root)."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    return {"user": 65534, "group": 65534, "extra_groups": []}
