"""Load benchmark: levelcheck beside a bare echo bot, both under the same simulated engineers, in one run.

Both bots run as real processes on loopback against the end-to-end tests' fake Bot API
(``tests/fakes/bot_api.py``), exactly as the e2e harness starts them (``tests/e2e/e2e_harness.py``,
``tests/webhook/webhook_harness.py``): its code is imported, not copied. N engineers (threads of this
process) go through complete interviews — levelcheck's scripted ``Interviewee`` reading each question
and pressing the buttons a real person would; against the echo bot each engineer replays the same
sequence of texts and button presses levelcheck's interviews needed (so both get the same mix), each
press answered by ``answerCallbackQuery``.

Printed per bot, and levelcheck/echo as a ratio (a figure of the echo bot is what the framework, the HTTP
client and this machine cost anyway; levelcheck's is what it adds):

- throughput: updates handled per second of the measured window;
- send-to-reply latency p50/p95/p99: from an engineer's update to the bot output it waits for (the next
  question, the edited checklist, the echo, the callback answer), timed when the fake Bot API received
  that output, so the waiting thread's own wake-up is not counted;
- CPU per update: the bot process's user+system CPU (``/proc/<pid>/stat``) over the window / updates;
- Bot API calls per update (counted in the fake; ``getUpdates`` excluded);
- peak memory: the bot process's RSS high-water mark (``VmHWM``).

Loops: ``closed`` (saturation: an engineer sends the next update as soon as the reply arrived) and
``open`` (a fixed offered rate: each engineer thinks for an exponentially distributed time, so the
arrivals of all engineers together are Poisson at ``--rate``; a person cannot answer a question not yet
shown, so a late reply delays that person's next update — counted as "late", and the achieved rate is
printed beside the offered one). The open loop measures after its opening wave: every engineer's first
update is a /start after a first think, so its warm-up lasts three mean thinks unless ``--warmup``
says otherwise.

Figures, never verdicts: the exit code is non-zero only when the benchmark itself fails (a bot process
dies, no update is answered). One JSON line at the end carries everything for machines.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for _folder in (ROOT / "tests", ROOT / "tests/e2e", ROOT / "tests/webhook", ROOT / "tests/storage"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from e2e_harness import BOT_USERNAME, TOKEN, BotProcess, Interviewee, bot_environment, forge_press  # noqa: E402
from e2e_people import FACILITY_L5, HARDWARE_L4, SOFTWARE_L2, fresh  # noqa: E402
from fakes.bot_api import FakeBotApi, FakeUser, _HttpServer  # noqa: E402
from webhook_harness import SECRET as WEBHOOK_SECRET  # noqa: E402
from webhook_harness import WebhookBot, free_port  # noqa: E402

POSTGRES_URL_VARIABLE = "LEVELCHECK_TEST_POSTGRES_URL"
ECHO_SCRIPT = ROOT / "bench" / "echo_bot.py"
PEOPLE = (HARDWARE_L4, FACILITY_L5, SOFTWARE_L2)
Script = tuple[tuple[str, str], ...]


def _script(*steps: str) -> Script:
    """Steps as levelcheck's interviews send them: ``/start`` or a typed number is a text, ``x`` a press."""
    return tuple(("press", "x") if step == "x" else ("text", step) for step in steps)


#: What levelcheck's interviews of ``PEOPLE`` sent (recorded from it), for the echo bot when levelcheck
#: did not finish an interview of that person first in the same run.
DEFAULT_SCRIPTS: tuple[Script, ...] = (
    _script("/start", *"x" * 20),
    _script("/start", *"x" * 10, "3", "2513", "0", *"x" * 10, "1", "487", "12", *"x" * 7),
    _script("/start", *"x" * 11),
)
REPLY_TIMEOUT_S = 60.0
QUIET_S = 0.5  # the bot has settled when it made no Bot API call (but getUpdates) for this long
QUICK = {"engineers": 8, "duration": 8.0, "warmup": 1.0}
DEFAULTS = {"engineers": 50, "duration": 30.0, "warmup": 3.0}
#: Open loop: the warm-up lasts this many mean thinks (95% of the engineers have sent /start by then).
OPENING_THINKS = 3
BOTS = ("levelcheck", "echo")
#: The fake's ``ThreadingHTTPServer`` listens with socketserver's backlog of 5: beyond 5 connections at
#: once the kernel drops SYNs, the bot's HTTP client retries after 1 s, 3 s... (p95 ≈ 1.2 s, then 5 s
#: connect timeouts), which is the emulator's limit, not a bot's. Real Telegram accepts them all.
_HttpServer.request_queue_size = 1024


# --------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) with linear interpolation between closest ranks (numpy's default);
    NaN for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when either is missing or the denominator is zero."""
    if math.isnan(numerator) or math.isnan(denominator) or denominator == 0:
        return math.nan
    return numerator / denominator


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench_load.py",
        description="levelcheck under load beside a bare echo bot (see the module docstring).",
    )
    parser.add_argument("--engineers", type=int, help="simulated engineers (closed: 50; open: rate × think)")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--duration", type=float, help="seconds measured per bot (default 30)")
    length.add_argument(
        "--interviews", type=int, help="complete interviews per engineer instead of a duration"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        help="seconds of load before measuring (default 3; open loop: 3 mean thinks, the opening wave)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres", help=f"server URL for --db postgres (default ${POSTGRES_URL_VARIABLE})")
    parser.add_argument("--mode", choices=("polling", "webhook"), default="polling")
    parser.add_argument("--loop", choices=("closed", "open"), default="closed")
    parser.add_argument("--rate", type=float, default=50.0, help="open loop: updates/s offered (default 50)")
    parser.add_argument(
        "--think",
        type=float,
        default=4.0,
        help="open loop: mean seconds a person takes per answer (default 4)",
    )
    parser.add_argument(
        "--send-rate",
        type=float,
        default=1000.0,
        help="levelcheck's SEND_RATE_PER_SECOND (default 1000: measure the bot, not Telegram's 30/s limit)",
    )
    parser.add_argument("--bots", default="levelcheck,echo", help="which bots, in order (default both)")
    parser.add_argument(
        "--echo-http",
        choices=("httpx", "aiohttp"),
        default="httpx",
        help="the echo bot's HTTP client: python-telegram-bot's default (httpx), or levelcheck's (aiohttp)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run the bots in turn this many times, each round on a fresh database, and report each "
        "figure's median: the machine's slow swings in speed then fall on both bots alike",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="a small run for CI (< 60 s in all)")
    parser.add_argument(
        "--keep-logs", action="store_true", help="print where the bots' logs are and keep them"
    )
    args = parser.parse_args(argv)
    preset = QUICK if args.quick else DEFAULTS
    warmup_given = args.warmup
    if args.warmup is None:
        args.warmup = preset["warmup"]
    if args.duration is None and args.interviews is None:
        args.duration = preset["duration"]
    if args.engineers is None:
        if args.loop == "open" and not args.quick:
            args.engineers = max(1, round(args.rate * args.think))
        else:
            args.engineers = int(preset["engineers"])
    if (
        warmup_given is None
        and args.loop == "open"
        and not args.quick
        and args.engineers >= 1
        and args.rate > 0
    ):
        # Every engineer's first update is a /start, sent after a first think: the opening wave
        # (new people, new interviews, a process still warming its caches) lasts until nearly all
        # have begun, three mean thinks. The figures are of the steady rate after it.
        args.warmup = max(args.warmup, OPENING_THINKS * think_mean_s(args))
    bots = [b.strip() for b in args.bots.split(",") if b.strip()]
    if not bots or any(b not in BOTS for b in bots) or len(set(bots)) != len(bots):
        parser.error(f"--bots takes a comma-separated subset of {','.join(BOTS)}")
    args.bots = bots
    if args.engineers < 1:
        parser.error("--engineers must be at least 1")
    if args.rate <= 0:
        parser.error("--rate must be positive")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.interviews is not None and args.interviews < 1:
        parser.error("--interviews must be at least 1")
    if args.db == "postgres":
        args.postgres = args.postgres or os.environ.get(POSTGRES_URL_VARIABLE, "").strip() or None
        if not args.postgres:
            parser.error(f"--db postgres needs --postgres URL or {POSTGRES_URL_VARIABLE}")
    return args


def think_mean_s(args: argparse.Namespace) -> float:
    """Open loop: each engineer's mean pause, so that all of them together offer ``--rate`` updates/s."""
    return float(args.engineers) / float(args.rate)


# --------------------------------------------------------------------------------------------
# The bot processes
# --------------------------------------------------------------------------------------------


class EchoProcess(BotProcess):
    """``bench/echo_bot.py`` in its own process, started and stopped as the harness's ``BotProcess``."""

    def __init__(self, fake: FakeBotApi, log_path: Path, mode: str, http: str = "httpx") -> None:
        self.fake = fake
        self.env = bot_environment(fake, BOT_TOKEN=TOKEN, MODE=mode, ECHO_HTTP=http)
        self.port = free_port()
        if mode == "webhook":
            self.env.update(
                WEBHOOK_SECRET=WEBHOOK_SECRET, LISTEN_HOST="127.0.0.1", LISTEN_PORT=str(self.port)
            )
        self.url = f"http://127.0.0.1:{self.port}/telegram"
        self.log_path = log_path
        self.proc = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> EchoProcess:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(ECHO_SCRIPT)],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while "echo bot ready" not in self.log:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the echo bot did not start:\n{self.log}")
            time.sleep(0.02)
        return self


def start_bot(name: str, fake: FakeBotApi, args: argparse.Namespace, database_url: str, logs: Path) -> Any:
    """The bot process ``name``, taking updates (for a webhook, registered with the fake)."""
    log_path = logs / f"{name}.log"
    if name == "echo":
        process: Any = EchoProcess(fake, log_path, args.mode, args.echo_http).start()
        url = process.url
    else:
        settings = {"PERSON_UPDATE_LIMIT": "0", "SEND_RATE_PER_SECOND": f"{args.send_rate:g}"}
        if args.mode == "webhook":
            process = WebhookBot(fake, database_url, log_path, **settings).start()
            url = process.url
        else:
            process = BotProcess(fake, database_url, log_path, **settings).start()
    if args.mode == "webhook":
        # Telegram's default is 40 connections; every engineer may have an update in flight.
        call = fake.set_webhook(url, WEBHOOK_SECRET, max_connections=min(100, max(40, args.engineers)))
        if not call.ok:
            raise RuntimeError(f"setWebhook failed: {call.response}")
    return process


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (``/proc/<pid>/stat`` fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The RSS high-water mark of ``pid`` (``VmHWM``), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


# --------------------------------------------------------------------------------------------
# Timing replies in the fake
# --------------------------------------------------------------------------------------------


class ReplyClock:
    """Stamps each bot output when the fake receives it and wakes only the engineer whose chat it is.

    The fake's own waits share one condition that every call notifies, so with hundreds of waiting
    engineers each Bot API call would wake them all: this load generator would then compete with the
    bots for the CPU. Wrapping the fake state's ``record`` (every send or edit) and ``call`` (for
    ``answerCallbackQuery``) per instance leaves the fake itself untouched.
    """

    def __init__(self, fake: FakeBotApi) -> None:
        state = fake._state
        self.state = state
        self.stamps: dict[int, list[float]] = defaultdict(list)  # chat id -> time of each event
        self.answered: dict[str, float] = {}  # callback query id -> time answered
        self._signals: dict[int, threading.Event] = {}
        record, call = state.record, state.call

        def stamped_record(chat: Any, kind: str, message: dict[str, Any]) -> None:
            record(chat, kind, message)
            chat_id = int(chat.info["id"])
            self.stamps[chat_id].append(time.perf_counter())
            self.signal(chat_id).set()

        def stamped_call(method: str, raw_params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            result = call(method, raw_params)
            if method.lower() == "answercallbackquery":
                now = time.perf_counter()
                query_id = str(raw_params.get("callback_query_id"))
                with state.cond:
                    self.answered[query_id] = now
                    query = state.callback_queries.get(query_id)
                if query is not None:
                    self.signal(int(query["from"]["id"])).set()
            return result

        state.record = stamped_record  # type: ignore[method-assign]
        state.call = stamped_call  # type: ignore[method-assign]

    def signal(self, chat_id: int) -> threading.Event:
        with self.state.cond:
            return self._signals.setdefault(chat_id, threading.Event())

    def wait(
        self, chat_id: int, check: Callable[[], float | None], timeout: float = REPLY_TIMEOUT_S
    ) -> float:
        """Waits until ``check`` (run under the fake's lock) returns the reply's time, and returns it."""
        event = self.signal(chat_id)
        deadline = time.monotonic() + timeout
        while True:
            event.clear()
            with self.state.cond:
                stamp = check()
            if stamp is not None:
                return stamp
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no reply in chat {chat_id} within {timeout:.0f} s")
            event.wait(remaining)


# --------------------------------------------------------------------------------------------
# The engineers
# --------------------------------------------------------------------------------------------


class StopLoad(Exception):
    """Raised at an engineer's next update once the run is over."""


@dataclass
class Phase:
    """When measuring starts and when engineers stop (perf_counter times)."""

    measure_from: float
    stop_at: float
    interviews: int | None


@dataclass
class Tally:
    """One engineer's figures (merged at the end, so the threads share no lock)."""

    latencies_s: list[float] = field(default_factory=list)
    sent: int = 0  # updates sent inside the measured window
    late: int = 0  # open loop: updates sent after their scheduled time (the reply came late)
    interviews: int = 0  # complete interviews finished inside the window
    last_reply: float = 0.0
    errors: list[str] = field(default_factory=list)


class Engineer:
    """One person: paces and times each update, and runs interviews until the phase ends."""

    def __init__(
        self, index: int, clock: ReplyClock, phase: Phase, open_loop_mean_s: float | None, rng: random.Random
    ) -> None:
        self.index = index
        self.clock = clock
        self.phase = phase
        self.open_loop_mean_s = open_loop_mean_s
        self.rng = rng
        self.tally = Tally()
        self.sent_at: float | None = None
        self.next_at = time.perf_counter() + (
            rng.expovariate(1 / open_loop_mean_s) if open_loop_mean_s else 0
        )
        self.done = 0
        #: levelcheck: what this interview sent so far, for the echo bot to replay
        self.script: list[tuple[str, str]] | None = None

    def before_update(self) -> None:
        """Called right before each update: stops the run, paces the open loop, starts the timer."""
        now = time.perf_counter()
        if now >= self.phase.stop_at:
            raise StopLoad
        if self.open_loop_mean_s is not None:
            if now < self.next_at:
                time.sleep(self.next_at - now)
            elif now > self.next_at + 0.001 and self.next_at >= self.phase.measure_from:
                self.tally.late += 1
            self.next_at += self.rng.expovariate(1 / self.open_loop_mean_s)
            if time.perf_counter() >= self.phase.stop_at:
                raise StopLoad
        self.sent_at = time.perf_counter()
        if self.sent_at >= self.phase.measure_from:
            self.tally.sent += 1

    def replied(self, stamp: float) -> None:
        """The bot output the engineer waited for arrived at ``stamp``."""
        if self.sent_at is not None and self.sent_at >= self.phase.measure_from:
            self.tally.latencies_s.append(stamp - self.sent_at)
            self.tally.last_reply = max(self.tally.last_reply, stamp)
        self.sent_at = None

    def more(self) -> bool:
        limit = self.phase.interviews
        return time.perf_counter() < self.phase.stop_at and (limit is None or self.done < limit)

    def finished_interview(self, started: float) -> None:
        self.done += 1
        if started >= self.phase.measure_from:
            self.tally.interviews += 1

    def instrument(self, user: FakeUser) -> FakeUser:
        """``user`` whose actions are paced and timed and whose waits use the reply clock."""
        send_text, press = user.send_text, user.press

        def timed_send_text(text: str, **kwargs: Any) -> dict[str, Any]:
            self.before_update()
            if self.script is not None:
                self.script.append(("text", text))
            return send_text(text, **kwargs)

        def timed_press(button: str, message: Any = None) -> str:
            self.before_update()
            if self.script is not None:
                self.script.append(("press", "x"))
            return press(button, message)

        def wait_for_message(predicate: Callable[[dict[str, Any]], bool] | None = None, timeout: float = 0):
            matching = user._next_matching(predicate)
            found: list[dict[str, Any]] = []

            def check() -> float | None:
                message = matching()
                if message is None:
                    return None
                found.append(message)
                return self.clock.stamps[user.chat_id][user._cursor - 1]

            self.replied(self.clock.wait(user.chat_id, check))
            return found[0]

        user.send_text = timed_send_text  # type: ignore[method-assign]
        user.press = timed_press  # type: ignore[method-assign]
        user.wait_for_message = wait_for_message  # type: ignore[method-assign,assignment]
        return user


class Scripts:
    """What levelcheck's interviews sent, per person, for the echo bot to replay."""

    def __init__(self) -> None:
        self.by_person: dict[int, Script] = {}
        self.lock = threading.Lock()

    def get(self, person: int) -> Script:
        with self.lock:
            return self.by_person.get(person) or DEFAULT_SCRIPTS[person]


_USER_IDS = itertools.count(7_500_000_001)


def levelcheck_engineer(engineer: Engineer, fake: FakeBotApi, scripts: Scripts) -> None:
    while engineer.more():
        person = (engineer.index + engineer.done) % len(PEOPLE)
        engineer.script = []
        user = engineer.instrument(fake.user(next(_USER_IDS), f"Engineer {engineer.index}"))
        interviewee = Interviewee(user, fresh(PEOPLE[person]), timeout=REPLY_TIMEOUT_S)
        started = time.perf_counter()
        interviewee.begin()
        interviewee.answer(True)
        interviewee.run()
        interviewee.confirm()
        engineer.finished_interview(started)
        with scripts.lock:
            scripts.by_person.setdefault(person, tuple(engineer.script))


def echo_engineer(engineer: Engineer, fake: FakeBotApi, scripts: Scripts) -> None:
    clock = engineer.clock
    while engineer.more():
        user = engineer.instrument(fake.user(next(_USER_IDS), f"Engineer {engineer.index}"))
        started = time.perf_counter()
        for kind, text in scripts.get((engineer.index + engineer.done) % len(PEOPLE)):
            if kind == "text":
                user.send_text(text)
                user.wait_for_message()
                continue
            engineer.before_update()
            query_id = forge_press(fake, user, text)
            engineer.replied(clock.wait(user.chat_id, lambda q=query_id: clock.answered.get(q)))
        engineer.finished_interview(started)


def run_engineer(
    body: Callable[[Engineer, FakeBotApi, Scripts], None], engineer: Engineer, *rest: Any
) -> None:
    try:
        body(engineer, *rest)
    except StopLoad:
        pass
    except Exception as error:  # counted and shown; the run goes on with the other engineers
        engineer.tally.errors.append(f"{type(error).__name__}: {str(error)[:300]}")


# --------------------------------------------------------------------------------------------
# One bot under load
# --------------------------------------------------------------------------------------------


@dataclass
class Figures:
    bot: str
    updates: int
    seconds: float
    throughput: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_ms_per_update: float
    api_calls_per_update: float
    peak_rss_mb: float
    interviews: int
    late: int
    errors: int
    first_error: str | None
    error_log_lines: int


def median_figures(rounds: Sequence[Figures]) -> Figures:
    """One bot's figures over several rounds: the median of each rate, time and size; counts of
    problems (late updates, errors) added up, so none is hidden by the median."""
    first = rounds[0]
    if len(rounds) == 1:
        return first

    def middle(key: str) -> Any:
        values = sorted(getattr(f, key) for f in rounds)
        return values[len(values) // 2]

    return Figures(
        bot=first.bot,
        updates=middle("updates"),
        seconds=middle("seconds"),
        throughput=middle("throughput"),
        p50_ms=middle("p50_ms"),
        p95_ms=middle("p95_ms"),
        p99_ms=middle("p99_ms"),
        cpu_ms_per_update=middle("cpu_ms_per_update"),
        api_calls_per_update=middle("api_calls_per_update"),
        peak_rss_mb=middle("peak_rss_mb"),
        interviews=middle("interviews"),
        late=sum(f.late for f in rounds),
        errors=sum(f.errors for f in rounds),
        first_error=next((f.first_error for f in rounds if f.first_error), None),
        error_log_lines=sum(f.error_log_lines for f in rounds),
    )


def cpu_ratios(rounds: Sequence[dict[str, Figures]]) -> list[float]:
    """levelcheck's CPU per update over the echo bot's, round by round."""
    return [
        ratio(r["levelcheck"].cpu_ms_per_update, r["echo"].cpu_ms_per_update)
        for r in rounds
        if "levelcheck" in r and "echo" in r
    ]


def api_calls(fake: FakeBotApi) -> int:
    with fake._state.cond:
        return sum(1 for c in fake._state.calls if c.method != "getUpdates")


def wait_quiet(fake: FakeBotApi, limit_s: float = 15.0) -> None:
    """Until the bot made no call but getUpdates for ``QUIET_S`` (the last card is sent, say)."""
    deadline = time.monotonic() + limit_s
    seen, since = api_calls(fake), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = api_calls(fake)
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= QUIET_S:
            return


def measure(name: str, args: argparse.Namespace, database_url: str, logs: Path, scripts: Scripts) -> Figures:
    with FakeBotApi(token=TOKEN, username=BOT_USERNAME) as fake:
        clock = ReplyClock(fake)
        process = start_bot(name, fake, args, database_url, logs)
        assert process.proc is not None
        pid = process.proc.pid
        try:
            start = time.perf_counter()
            measure_from = start + args.warmup
            stop_at = measure_from + args.duration if args.duration is not None else math.inf
            phase = Phase(measure_from, stop_at, args.interviews)
            mean = think_mean_s(args) if args.loop == "open" else None
            rng = random.Random(args.seed)
            engineers = [
                Engineer(i, clock, phase, mean, random.Random(rng.getrandbits(64)))
                for i in range(args.engineers)
            ]
            body = levelcheck_engineer if name == "levelcheck" else echo_engineer
            threads = [
                threading.Thread(
                    target=run_engineer, args=(body, e, fake, scripts), daemon=True, name=f"eng-{e.index}"
                )
                for e in engineers
            ]
            for thread in threads:
                thread.start()
            time.sleep(max(0.0, measure_from - time.perf_counter()))
            cpu_before, calls_before = process_cpu_s(pid), api_calls(fake)
            # Sent before the window, answered in it: their handling is in the CPU and calls measured.
            in_flight = sum(1 for e in engineers if e.sent_at is not None)
            for thread in threads:
                thread.join()
            wait_quiet(fake)
            if not process.running:
                raise RuntimeError(f"the {name} bot died under load:\n{process.log[-3000:]}")
            cpu = process_cpu_s(pid) - cpu_before
            calls = api_calls(fake) - calls_before
            peak = peak_rss_mb(pid)
        finally:
            process.stop()
    tallies = [e.tally for e in engineers]
    latencies = [x for t in tallies for x in t.latencies_s]
    updates = sum(t.sent for t in tallies)
    handled = updates + in_flight
    end = max((t.last_reply for t in tallies), default=measure_from)
    seconds = max(end - measure_from, 1e-9)
    errors = [e for t in tallies for e in t.errors]
    log = process.log
    error_lines = sum(1 for line in log.splitlines() if " ERROR " in line or line.startswith("Traceback"))
    return Figures(
        bot=name,
        updates=handled,
        seconds=seconds,
        throughput=handled / seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        cpu_ms_per_update=ratio(cpu * 1000, handled),
        api_calls_per_update=ratio(calls, handled),
        peak_rss_mb=peak,
        interviews=sum(t.interviews for t in tallies),
        late=sum(t.late for t in tallies),
        errors=len(errors),
        first_error=errors[0] if errors else None,
        error_log_lines=error_lines,
    )


# --------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def database(args: argparse.Namespace, folder: Path):
    """A fresh database for this run: a SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if args.db == "sqlite":
        yield f"sqlite:///{folder / 'levelcheck.sqlite3'}"
        return
    from backends import with_search_path

    from bot.storage import create_engine_from_url

    schema = f"bench_{secrets.token_hex(6)}"

    async def execute(statement: str) -> None:
        engine = create_engine_from_url(args.postgres)
        try:
            async with asyncio.timeout(10), engine.begin() as connection:
                await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    asyncio.run(execute(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(args.postgres, schema)
    finally:
        asyncio.run(execute(f'DROP SCHEMA "{schema}" CASCADE'))


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

ROWS: tuple[tuple[str, str, str], ...] = (
    ("throughput (updates/s)", "throughput", "{:.1f}"),
    ("latency p50 (ms)", "p50_ms", "{:.1f}"),
    ("latency p95 (ms)", "p95_ms", "{:.1f}"),
    ("latency p99 (ms)", "p99_ms", "{:.1f}"),
    ("CPU per update (ms)", "cpu_ms_per_update", "{:.2f}"),
    ("Bot API calls per update", "api_calls_per_update", "{:.2f}"),
    ("peak RSS (MB)", "peak_rss_mb", "{:.0f}"),
    ("updates handled in window", "updates", "{:d}"),
    ("interviews finished", "interviews", "{:d}"),
)
RATIO_KEYS = (
    "throughput",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "cpu_ms_per_update",
    "api_calls_per_update",
    "peak_rss_mb",
)


def describe(args: argparse.Namespace) -> str:
    length = f"{args.duration:g} s" if args.duration is not None else f"{args.interviews} interviews/engineer"
    rounds = f", median of {args.rounds} rounds" if args.rounds > 1 else ""
    loop = "closed loop" if args.loop == "closed" else f"open loop at {args.rate:g} updates/s offered"
    think = f", mean think {think_mean_s(args):.2f} s" if args.loop == "open" else ""
    return (
        f"load: {loop}, {args.engineers} engineers{think}, {args.db}, {args.mode}, {length} measured "
        f"after {args.warmup:g} s warm-up{rounds}, {os.cpu_count()} CPUs"
    )


def table(args: argparse.Namespace, figures: dict[str, Figures]) -> str:
    names = list(figures)
    both = "levelcheck" in figures and "echo" in figures
    header = f"{'':28}" + "".join(f"{n:>14}" for n in names) + (f"{'ratio':>10}" if both else "")
    lines = [describe(args), header]
    for label, key, fmt in ROWS:
        cells = "".join(f"{_fmt(fmt, getattr(figures[n], key)):>14}" for n in names)
        if both and key in RATIO_KEYS:
            value = ratio(getattr(figures["levelcheck"], key), getattr(figures["echo"], key))
            cells += f"{'' if math.isnan(value) else f'{value:.2f}×':>10}"
        lines.append(f"{label:28}{cells}")
    if args.loop == "open":
        lines.append(
            f"{'late updates (reply > think)':28}" + "".join(f"{figures[n].late:>14d}" for n in names)
        )
    for n in names:
        f = figures[n]
        if f.errors or f.error_log_lines:
            lines.append(
                f"{n}: {f.errors} engineer errors (first: {f.first_error}); "
                f"{f.error_log_lines} error lines in its log"
            )
    return "\n".join(lines)


def _fmt(fmt: str, value: float | int) -> str:
    return "—" if isinstance(value, float) and math.isnan(value) else fmt.format(value)


def json_line(args: argparse.Namespace, figures: dict[str, Figures], per_round: Sequence[float] = ()) -> str:
    config = {
        k: getattr(args, k)
        for k in (
            "engineers",
            "duration",
            "interviews",
            "warmup",
            "db",
            "mode",
            "loop",
            "rate",
            "send_rate",
            "quick",
            "rounds",
        )
    }
    config["cpus"] = os.cpu_count()
    out: dict[str, Any] = {"bench": "load", "config": config}
    out.update({n: {k: v for k, v in asdict(f).items() if k != "bot"} for n, f in figures.items()})
    if "levelcheck" in figures and "echo" in figures:
        out["ratios"] = {
            k: ratio(getattr(figures["levelcheck"], k), getattr(figures["echo"], k)) for k in RATIO_KEYS
        }
    if len(per_round) > 1:
        out["cpu_ratio_per_round"] = list(per_round)
    return json.dumps(_nan_to_none(out), allow_nan=False, separators=(",", ":"))


def _nan_to_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # through the finally blocks: bots stopped
    scripts = Scripts()
    folder = Path(tempfile.mkdtemp(prefix="levelcheck-bench-load-"))
    self_cpu = resource.getrusage(resource.RUSAGE_SELF)
    load_before = os.getloadavg()[0]
    rounds: list[dict[str, Figures]] = []
    for number in range(args.rounds):
        logs = folder / f"round-{number + 1}"
        logs.mkdir()
        with database(args, logs) as url:
            rounds.append({name: measure(name, args, url, logs, scripts) for name in args.bots})
    figures = {name: median_figures([r[name] for r in rounds]) for name in args.bots}
    per_round = cpu_ratios(rounds)
    used = resource.getrusage(resource.RUSAGE_SELF)
    harness_cpu = used.ru_utime + used.ru_stime - self_cpu.ru_utime - self_cpu.ru_stime
    print(table(args, figures))
    if len(per_round) > 1:
        listed = ", ".join(f"{x:.2f}×" for x in per_round)
        print(f"CPU per update, levelcheck / echo, round by round: {listed}")
    print(
        f"load generator + fake Bot API (this process): {harness_cpu:.1f} CPU s in all; "
        f"machine load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
        "(other work on the machine inflates both bots' figures; compare the ratios)"
    )
    if args.keep_logs:
        print(f"bot logs: {folder}")
    print(json_line(args, figures, per_round))
    if not args.keep_logs:
        shutil.rmtree(folder)
    return 0 if all(f.updates > 0 and f.p50_ms == f.p50_ms for f in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
