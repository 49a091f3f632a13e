"""The terminal front: the same interview and storage as Telegram, with numbered options.

It exists so a newcomer can take the assessment in a minute without a bot token, and so the
whole stack (dialogue, storage, transcript) can be exercised from a plain subprocess.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import re
import sys
import threading
from typing import TextIO

from bot.service import AssessmentService, Identity, Reply
from dialogs import Kind, Messages, Prompt

HELP = Messages()("terminal.keys")  # the English one-line key help, for tests and docs
_NUMBERS = re.compile(r"^[\d\s,]+$")


class TerminalFront:
    def __init__(
        self,
        service: AssessmentService,
        identity: Identity,
        stdin: TextIO,
        stdout: TextIO,
        messages: Messages | None = None,
    ) -> None:
        self._service = service
        self._who = identity
        self._in = stdin
        self._out = stdout
        # The dialogue's language, so the hints read like the questions.
        self._msg = messages or Messages(service.locale)

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
        for number, option in enumerate(prompt.options, start=1):
            box = ("[x] " if option.selected else "[ ] ") if prompt.kind is Kind.MULTI else ""
            self._print(f"  {number}. {box}{option.label}")
        msg = self._msg
        if msg.has(f"terminal.hint.{prompt.kind}"):  # none for INFO: nothing to answer
            hint = msg(f"terminal.hint.{prompt.kind}")
            self._print(msg("terminal.hint", hint=hint, keys=msg("terminal.keys")))

    async def run(self) -> int:
        reply = await self._service.start(self._who)
        if reply.notice == "resumed":
            self._print(self._msg("terminal.resumed"))
        while reply.prompt is not None:
            prompt = reply.prompt
            self.show(prompt)
            if prompt.kind is Kind.INFO:
                return 0
            line = await self._read()
            if line is None or line.lower() in ("q", "quit", "exit"):
                self._print(self._msg("terminal.saved"))
                return 0
            if line.lower() in ("forget", "/forget"):
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
        if answer is None or answer.lower() not in ("yes", "y"):
            self._print(self._msg("terminal.forget.kept"))
            return False
        await self._service.forget(self._who)
        self._print(self._msg("terminal.forget.done"))
        return True

    async def _handle(self, prompt: Prompt, line: str) -> Reply:
        who = self._who
        lowered = line.lower()
        if lowered in ("b", "back"):
            return await self._service.back(who)
        if lowered in ("r", "restart"):
            return await self._service.restart(who)
        if lowered in ("?", "h", "help"):
            self._print(self._msg("terminal.keys"))
            return await self._service.current(who)
        if prompt.kind is Kind.MULTI:
            if line == "" or lowered in ("d", "done"):
                return await self._service.done(who)
            if not _NUMBERS.match(line):
                return await self._service.answer(who, line)
            options = [_option(prompt, token) for token in re.split(r"[\s,]+", line.strip())]
            if None in options:
                return await self._service.answer(who, line)  # rejected with the dialogue's own reason
            reply = await self._service.current(who)
            for option in options:
                reply = await self._service.toggle(who, str(option))
            return reply
        if prompt.kind is Kind.INTEGER:
            return await self._service.answer(who, line)
        if prompt.kind is Kind.YESNO:
            value = {"1": "yes", "2": "no", "y": "yes", "n": "no"}.get(lowered, lowered)
            return await self._service.answer(who, value)
        option = _option(prompt, line)
        return await self._service.answer(who, option if option is not None else line)


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


def _option(prompt: Prompt, token: str) -> str | None:
    if token.isdigit() and 1 <= int(token) <= len(prompt.options):
        return prompt.options[int(token) - 1].id
    return None


def local_identity() -> Identity:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "local"
    return Identity(local_key=f"terminal:{name}", display_name=name)


async def run_terminal(service: AssessmentService) -> int:
    front = TerminalFront(service, local_identity(), sys.stdin, sys.stdout)
    return await front.run()
