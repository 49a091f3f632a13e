"""Talking to the terminal front like a person: one line at a time, after reading up to the "> " prompt.

``BotProcess`` runs ``python -m bot`` for real (pipes, no token, its own SQLite file); ``typed_script``
works out, by running the same dialogue in memory, which line a person types at each question and
which question text must be on the screen before they type it.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service_driver import truthful

from dialogs import Context, Interview, Kind, Prompt

CTX = Context.default()

PROMPT = "> "
READ_TIMEOUT_S = 20.0
#: The result's headline: "Hardware, level 4 — …", or "Hardware — level 1 not reached yet" (level 0).
LEVEL = re.compile(r"^(.+?)(?:, level (\d) — | — level \d not reached yet)", re.MULTILINE)
#: Settings the bot reads; a developer's own environment must not leak into the process under test.
SETTINGS = ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "BOT_API_BASE_URL", "BOT_API_FILE_URL", "LOG_LEVEL")


def level_in(text: str) -> int:
    """The level a result text announces ("level 1 not reached yet" is level 0)."""
    found = LEVEL.findall(text)
    assert found, f"no level in:\n{text}"
    _, number = found[-1]
    return int(number) if number else 0


class BotProcess:
    """``python -m bot`` on pipes; ``read_prompt`` returns everything printed up to the next "> "."""

    def __init__(self, cwd: Path, database: Path | None, extra_env: dict[str, str] | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
        env.update({"BOT_TOKEN": "", "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"})
        if database is not None:
            env["DATABASE_URL"] = f"sqlite:///{database}"
        env.update(extra_env or {})
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.transcript = ""  # everything printed so far, for failure messages
        self._chunks: queue.Queue[bytes | None] = queue.Queue()
        self._buffer = b""
        assert self.process.stdout is not None
        threading.Thread(target=self._pump, args=(self.process.stdout,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        while chunk := os.read(stream.fileno(), 65536):
            self._chunks.put(chunk)
        self._chunks.put(None)

    def read_prompt(self, timeout: float = READ_TIMEOUT_S) -> str:
        """The output up to and including the next "> "; fails on a timeout or if the process ends."""
        while not self._buffer.endswith(PROMPT.encode()):
            try:
                chunk = self._chunks.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no prompt within {timeout}s; output so far:\n{self.transcript}"
                ) from None
            if chunk is None:
                self._chunks.put(None)
                raise AssertionError(f"the process ended before a prompt:\n{self.transcript}{self.stderr()}")
            self._buffer += chunk
            self.transcript += chunk.decode("utf-8", errors="replace")
        text, self._buffer = self._buffer.decode("utf-8"), b""
        return text

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def finish(self, timeout: float = READ_TIMEOUT_S, *, close_input: bool = True) -> tuple[int, str]:
        """Close stdin (end of input), wait for the exit; (exit code, the rest of the output)."""
        assert self.process.stdin is not None
        if close_input and not self.process.stdin.closed:
            self.process.stdin.close()
        code = self.process.wait(timeout=timeout)
        rest = self._buffer
        while (chunk := self._chunks.get(timeout=timeout)) is not None:
            rest += chunk
        self._buffer = b""
        text = rest.decode("utf-8")
        self.transcript += text
        return code, text

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return "\n--- stderr ---\n" + self.process.stderr.read().decode("utf-8", errors="replace")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=READ_TIMEOUT_S)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@dataclass(frozen=True, slots=True)
class Typed:
    shown: str  # the question text that must be on the screen before the line is typed
    line: str
    key: str


def _line_for(prompt: Prompt, value: Any, number: int) -> list[str]:
    """What a person types to give ``value``; checklists are ticked by numbers, then an empty line."""
    ids = [o.id for o in prompt.options]
    if prompt.kind is Kind.YESNO:
        yes = value in (True, "yes")
        return [("1" if yes else "2") if number % 2 else ("y" if yes else "n")]
    if prompt.kind is Kind.SINGLE:
        return [str(ids.index(str(value)) + 1)]
    if prompt.kind is Kind.INTEGER:
        return [f"{value:,}" if number % 2 else str(value)]
    assert prompt.kind is Kind.MULTI
    flips = [str(n) for n, o in enumerate(prompt.options, start=1) if o.selected != (o.id in value)]
    return ([(", " if number % 2 else " ").join(flips)] if flips else []) + [""]


def typed_script(truth: dict[str, Any]) -> tuple[list[Typed], str]:
    """The lines typed from the consent to the result, and the result text the screen ends with."""
    typed: list[Typed] = []
    with Interview(CTX) as iv:
        for number in range(200):
            prompt = iv.prompt()
            if prompt.key == "result":
                return typed, prompt.text
            value = truthful(prompt, truth)
            for line in _line_for(prompt, value, number):
                typed.append(Typed(prompt.text, line, prompt.key))
            step = iv.answer(value)
            assert step.changed and not step.prompt.error, (prompt.key, value, step.prompt.error)
    raise AssertionError("the in-memory interview did not end")
