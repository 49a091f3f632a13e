"""The terminal front: the same interview and storage as Telegram, with numbered options.

It exists so a newcomer can take the assessment in a minute without a bot token, and so the
whole stack (dialogue, storage, transcript) can be exercised from a plain subprocess.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import sys
import threading
from typing import TextIO

from bot.service import AssessmentService, Identity, Reply
from dialogs import Kind, Messages, Prompt, supported_language

HELP = Messages()("terminal.keys")  # the English one-line key help, for tests and docs
QUIT = ("q", "quit", "exit", "終了")
BACK = ("b", "back", "戻る")
RESTART = ("r", "restart", "最初から")
FORGET = ("forget", "/forget", "削除")
HELP_WORDS = ("?", "h", "help", "ヘルプ")
DONE = ("d", "done", "完了")


def _box(prompt: Prompt, selected: bool) -> str:
    return ("[x] " if selected else "[ ] ") if prompt.kind is Kind.MULTI else ""


#: One renderer per question kind: how its options appear on the screen.
OPTION_RENDERERS = {
    Kind.SINGLE: lambda prompt, number, option: (
        f"  {number}. {option.label}"
        + ("  <" if option.selected and prompt.key not in ("review", "result") else "")
    ),
    Kind.MULTI: lambda prompt, number, option: f"  {number}. {_box(prompt, option.selected)}{option.label}",
    Kind.YESNO: lambda prompt, number, option: (
        f"  {number}. {option.label}" + ("  <" if option.selected else "")
    ),
}


class TerminalFront:
    def __init__(self, service: AssessmentService, identity: Identity, stdin: TextIO, stdout: TextIO) -> None:
        self._service = service
        self._who = identity
        self._in = stdin
        self._out = stdout
        self._msg = Messages()  # until the first reply says the person's language

    def _print(self, text: str = "") -> None:
        self._out.write(text + "\n")
        self._out.flush()

    async def _read(self) -> str | None:
        self._out.write("> ")
        self._out.flush()
        line = await _readline(self._in)
        return None if line == "" else line.strip()

    def show(self, prompt: Prompt) -> None:
        self._print()
        if prompt.error:
            self._print(f"!! {prompt.error}")
        if prompt.progress:
            self._print(f"[{prompt.progress.text}]")
        self._print(prompt.text)
        render = OPTION_RENDERERS.get(prompt.kind)
        if render is not None:
            for number, option in enumerate(prompt.options, start=1):
                self._print(render(prompt, number, option))
        msg = self._msg
        if msg.has(f"terminal.hint.{prompt.kind}"):  # none for INFO: nothing to answer
            hint = msg(f"terminal.hint.{prompt.kind}")
            self._print(msg("terminal.hint", hint=hint, keys=msg("terminal.keys")))

    async def run(self, language: str | None = None) -> int:
        """The whole session; ``language`` (from --lang) is stored as the person's choice first."""
        if language is not None:
            await self._service.set_language(self._who, language)
        reply = await self._service.start(self._who)
        self._msg = reply.msg
        if reply.notice == "resumed":
            self._print(self._msg("terminal.resumed"))
        while reply.prompt is not None:
            prompt = reply.prompt
            self._msg = reply.msg
            self.show(prompt)
            if prompt.kind is Kind.INFO:
                return 0
            line = await self._read()
            if line is None or line.lower() in QUIT:
                self._print(self._msg("terminal.saved"))
                return 0
            if line.lower() in FORGET:
                if await self._forget():
                    return 0
                reply = await self._service.current(self._who)
                continue
            reply = await self._handle(prompt, line)
        return 0

    async def _forget(self) -> bool:
        """Delete everything kept about this person, after an explicit yes (as /forget in Telegram)."""
        self._print(self._msg("terminal.forget.confirm"))
        answer = await self._read()
        if answer is None or answer.lower() not in ("yes", "y", "はい"):
            self._print(self._msg("terminal.forget.kept"))
            return False
        await self._service.forget(self._who)
        self._print(self._msg("terminal.forget.done"))
        return True

    async def _handle(self, prompt: Prompt, line: str) -> Reply:
        who = self._who
        lowered = line.lower()
        if lowered in BACK:
            return await self._service.back(who)
        if lowered in RESTART:
            return await self._service.restart(who)
        if lowered in HELP_WORDS:
            self._print(self._msg("terminal.keys"))
            return await self._service.current(who)
        if prompt.kind is Kind.MULTI and (line == "" or lowered in DONE):
            return await self._service.done(who)
        # Numbers, option numbers and yes/no words are read by the question's own kind.
        return await self._service.type_text(who, line)


async def _readline(stream: TextIO) -> str:
    """``stream.readline()`` in a daemon thread. With ``asyncio.to_thread`` a Ctrl-C at a question left
    ``asyncio.run`` joining the executor's thread, still blocked in ``readline``: no exit until Enter."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def settle(line: str, error: BaseException | None) -> None:
        if future.done():  # cancelled by Ctrl-C
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(line)

    def read() -> None:
        line, error = "", None
        try:
            line = stream.readline()
        except BaseException as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits for this line
            loop.call_soon_threadsafe(settle, line, error)

    threading.Thread(target=read, name="terminal-input", daemon=True).start()
    return await future


def local_identity() -> Identity:
    """The person at this terminal; the environment's LANG is their client's language."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "local"
    language = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
    return Identity(local_key=f"terminal:{name}", display_name=name, language_code=language)


async def run_terminal(service: AssessmentService, language: str | None = None) -> int:
    """``language`` is --lang: a supported language, or None to keep the person's own."""
    front = TerminalFront(service, local_identity(), sys.stdin, sys.stdout)
    if language is not None and supported_language(language) is None:
        print(Messages()("terminal.language.unknown", language=language), file=sys.stderr)
        language = None
    return await front.run(supported_language(language) if language else None)
