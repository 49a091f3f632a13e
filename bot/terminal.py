"""The terminal front: the same interview and storage as Telegram, with numbered options.

It exists so a newcomer can take the assessment in a minute without a bot token, and so the
whole stack (dialogue, storage, transcript) can be exercised from a plain subprocess.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import signal
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot.results import open_result
from bot.service import AssessmentService, Identity, Reply
from dialogs import Kind, Messages, Prompt, supported_language
from dialogs.typed import parse_yes_no

HELP = Messages()("terminal.keys")  # the English one-line key help, for tests and docs
QUIT = ("q", "quit", "exit", "終了")
BACK = ("b", "back", "戻る")
RESTART = ("r", "restart", "最初から")
FORGET = ("forget", "/forget", "削除")
HELP_WORDS = ("?", "h", "help", "ヘルプ")
DONE = ("d", "done", "完了")
CARD = ("card", "カード")
REPORT = ("report", "pdf", "レポート")


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
    # A counted quantity's bands: typed as shown in brackets ("3-4"), as digits mean a number here.
    Kind.INTEGER: lambda prompt, number, option: (
        f"  [{option.id}] {option.label}" + ("  <" if option.selected else "")
    ),
}
#: The prompt whose text is long and whose options are commands: after a slip only its menu is shown.
RESULT = "result"
#: Where "r" loses nothing, so it asks no confirmation: nothing answered yet, or a finished assessment
#: (its result and answers stay; a new one begins beside it, as "Start a new assessment" does).
NOTHING_TO_RESTART = ("consent", "declined", RESULT)


class TerminalFront:
    def __init__(self, service: AssessmentService, identity: Identity, stdin: TextIO, stdout: TextIO) -> None:
        self._service = service
        self._who = identity
        self._in = stdin
        self._out = stdout
        self._msg = Messages()  # until the first reply says the person's language
        self._interrupted = False
        self._reading: asyncio.Future[str] | None = None

    def _print(self, text: str = "") -> None:
        self._out.write(text + "\n")
        self._out.flush()

    def interrupt(self) -> None:
        """Ctrl-C: end the session as "q" does, saying in the person's language how to resume."""
        self._interrupted = True
        if self._reading is not None:
            self._reading.cancel()

    async def _read(self) -> str | None:
        """The next line; None at the end of input or after Ctrl-C."""
        if self._interrupted:
            return None
        self._out.write("> ")
        self._out.flush()
        self._reading = asyncio.ensure_future(_readline(self._in))
        try:
            line = await self._reading
        except asyncio.CancelledError:
            if not self._interrupted:
                raise
            self._print()  # past the "^C" the terminal echoed
            return None
        finally:
            self._reading = None
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
        if prompt.key == RESULT:
            self._print(msg("terminal.result.keep"))
        if prompt.kind is Kind.INFO and prompt.key == "declined":
            self._print(msg("terminal.declined.again"))  # how to come back, in this front's words
        if prompt.kind is Kind.INTEGER and prompt.options:
            self._print(msg("terminal.hint", hint=msg("terminal.hint.bands"), keys=msg("terminal.keys")))
        elif msg.has(f"terminal.hint.{prompt.kind}"):  # none for INFO: nothing to answer
            hint = msg(f"terminal.hint.{prompt.kind}")
            self._print(msg("terminal.hint", hint=hint, keys=msg("terminal.keys")))

    def menu(self, prompt: Prompt, intro: str | None = None) -> None:
        """What can be typed at ``prompt`` — its options by number, and the keys — without its text:
        after a slip at the result, the whole result again would bury the answer to "what now?"."""
        self._print()
        if intro:
            self._print(intro)
        for number, option in enumerate(prompt.options, start=1):
            self._print("  " + self._msg("terminal.option", number=number, label=option.label))
        if prompt.key == RESULT:
            self._print("  " + self._msg("terminal.result.keep"))
        self._print("  " + self._msg("terminal.keys"))

    async def run(self, language: str | None = None) -> int:
        """The whole session; ``language`` (from --lang) is stored as the person's choice first."""
        if language is not None:
            await self._service.set_language(self._who, language)
        # A finished assessment is shown again rather than replaced by a new one: the last run may
        # have ended before its result reached the screen. Its menu starts a new one.
        finished = await self._service.last_result(self._who)
        reply = finished or await self._service.start(self._who)
        self._msg = reply.msg
        if reply.notice == "resumed":
            self._print(self._msg("terminal.resumed"))
        elif finished is not None:
            self._print(self._msg("terminal.finished"))
        compact = False  # show only the menu of the prompt (it is still on the screen above)
        slip: str | None = None  # what was typed that the menu answers
        while reply.prompt is not None:
            prompt = reply.prompt
            self._msg = reply.msg
            if compact:
                self.menu(prompt, slip)
                slip = None
            else:
                self.show(prompt)
            if prompt.kind is Kind.INFO:
                return 0
            line = await self._read()
            if line is None or line.lower() in QUIT:
                self._print(self._msg("terminal.saved"))
                return 0
            lowered = line.lower()
            # Forget, restart and help act here and come back to the same prompt: at the result there
            # is no interview left to ask the service for, so the prompt shown is kept, not fetched.
            if lowered in FORGET:
                if await self._forget():
                    return 0
                compact = prompt.key == RESULT
                continue
            if (
                lowered in RESTART
                and prompt.key not in NOTHING_TO_RESTART
                and not await self._confirm_restart()
            ):
                compact = prompt.key == RESULT
                continue
            if prompt.key == RESULT and lowered in CARD + REPORT:
                await self._save(lowered in CARD)
                compact = True
                continue
            if lowered in HELP_WORDS:
                compact = prompt.key == RESULT  # the menu lists the keys too
                if not compact:
                    self._print(self._msg("terminal.keys"))
                continue
            reply = await self._handle(prompt, line)
            # A slip at the result (a typo, an option that is not there): what is possible, not the
            # whole result again.
            shown = reply.prompt
            compact = shown is not None and shown.key == RESULT == prompt.key and bool(shown.error)
            # an empty line only asks for the menu again
            slip = f"!! {self._msg('terminal.not_possible', typed=line)}" if compact and line else None
        return 0

    async def _save(self, card: bool) -> None:
        """The result's card (PNG) or report (PDF), written beside the database: what Telegram sends
        as a photo or document, a terminal user gets as a file to open or keep."""
        from bot.documents import render_card, render_report  # Pillow and fpdf2 load only when asked for

        opened = await open_result(self._service, self._who)
        if opened is None:
            return
        day = opened.row.created_at.date().isoformat()
        if card:
            path = Path(f"levelcheck-card-{day}.png")
            data = await asyncio.to_thread(render_card, opened.view, opened.msg)
        else:
            path = Path(f"levelcheck-report-{day}.pdf")
            data = await asyncio.to_thread(render_report, opened.view, opened.profile, opened.msg)
        path.write_bytes(data)
        self._print(self._msg("terminal.result.saved", path=str(path.resolve())))

    async def _confirmed(self, question: str) -> bool:
        """An explicit yes (in either language) to ``question``; anything else, or no input, is a no."""
        self._print(question)
        answer = await self._read()
        return answer is not None and parse_yes_no(answer) is True

    async def _forget(self) -> bool:
        """Delete everything kept about this person, after an explicit yes (as /forget in Telegram)."""
        if not await self._confirmed(self._msg("terminal.forget.confirm")):
            self._print(self._msg("terminal.forget.kept"))
            return False
        await self._service.forget(self._who)
        self._print(self._msg("terminal.forget.done"))
        return True

    async def _confirm_restart(self) -> bool:
        """Starting over clears every answer: asked first, as forgetting is."""
        if await self._confirmed(self._msg("terminal.restart.confirm")):
            return True
        self._print(self._msg("terminal.restart.kept"))
        return False

    async def _handle(self, prompt: Prompt, line: str) -> Reply:
        who = self._who
        lowered = line.lower()
        if lowered in BACK:
            return await self._service.back(who)
        if lowered in RESTART:
            return await self._service.restart(who)
        if prompt.kind is Kind.MULTI and (line == "" or lowered in DONE):
            return await self._service.done(who)
        # Numbers, option numbers, bands and yes/no words are read by the question's own kind.
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
    chosen = supported_language(language) if language else None
    loop = asyncio.get_running_loop()
    try:  # Ctrl-C ends the session like "q" (the saved notice in the person's language)
        loop.add_signal_handler(signal.SIGINT, front.interrupt)
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        return await front.run(chosen)
    try:
        return await front.run(chosen)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
