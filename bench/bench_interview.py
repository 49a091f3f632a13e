"""Throughput and memory of whole interviews through the service, on a temporary SQLite file.

Each answer is a full unit of work (load, restore, answer, transcript, save, commit), so this is
the cost a person's button press puts on the bot, minus Telegram's round trip. It also checks that
no interview model stays attached to the shared state machine (a leak in a long-running bot).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.app import open_runtime
from bot.service import Identity
from dialogs.machine import MACHINE

INTERVIEWS = 20
#: A hardware lead with three level-5 projects: the longest common path through the interview.
ANSWERS: list[object] = [
    "yes",
    "hardware",
    "leader",
    "3",
    *[["hw.cx.multi_vendor", "hw.cx.nonstop"], "hw.size.wide_area"] * 3,
    ["hw.l5.theme.satisfaction"],
    ["hw.acc.book", "hw.acc.patent", "hw.acc.instructor"],
    "yes",
    "confirm",
]


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = await open_runtime(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        service = runtime.service
        tracemalloc.start()
        start = time.perf_counter()
        answered = 0
        for n in range(INTERVIEWS):
            who = Identity(telegram_id=10_000 + n, display_name=f"bench {n}")
            await service.start(who)
            for value in ANSWERS:
                reply = await service.answer(who, value)
                assert reply.prompt is not None and not reply.prompt.error, reply.prompt
                answered += 1
            assert reply.finished_level == 5, reply.finished_level
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        await runtime.close()
    per_answer_ms = elapsed / answered * 1000
    print(
        f"interviews: {INTERVIEWS} complete interviews, {answered} answers in {elapsed:.2f} s "
        f"= {per_answer_ms:.1f} ms per answer (goal < 100 ms); peak traced memory {peak / 1e6:.1f} MB; "
        f"models left on the shared machine: {len(MACHINE.models)}"
    )
    ok = per_answer_ms < 100 and len(MACHINE.models) == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
