"""Time to render the result card (PNG) and the PDF report, in English and Japanese.

The person waits for these after their last answer and on /card and /report, so each must take
well under 300 ms. The one-off work of a process (the report font's derivative, ~1.5 s, and loading
the card's font sizes) is timed separately as the first render; the medians are of the renders after
it. The profile makes a long report: a facility-management lead short of level 5 with three projects,
so every level's criteria, the plan with its options and the answers run over several pages.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date

from bot.documents.card import render_card
from bot.documents.report import render_report
from criteria import load_standard, parse_profile
from dialogs.messages import Messages
from dialogs.result import build_result

RUNS = 15
GOAL_MS = 300
PROFILE = {
    "field": "facility",
    "role": "leader",
    "experiences": [
        {
            "complexity": ["fm.cx.critical_mission", "fm.cx.nonstop"],
            "scope": "whole",
            "rooms": 5,
            "area_m2": 5000,
            "sites": 0,
        },
        {
            "complexity": ["fm.cx.nonstop", "fm.cx.many_sites"],
            "scope": "whole",
            "rooms": 3,
            "area_m2": 2400,
            "sites": 120,
        },
        {"complexity": ["fm.cx.many_sites"], "scope": "part"},
    ],
    "themes": ["fm.l5.theme.strategy"],
    "accomplishments": ["fm.acc.book", "fm.acc.patent"],
    "mentoring": True,
}


def _median_ms(render: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    std = load_standard()
    profile = parse_profile(PROFILE, std)
    slow = []
    for language in ("en", "ja"):
        msg = Messages(language, std)
        view = build_result(profile, std, msg, taken_on=date(2026, 5, 1))
        start = time.perf_counter()
        render_card(view, msg)
        render_report(view, profile, msg)
        first = (time.perf_counter() - start) * 1000
        card = _median_ms(lambda v=view, m=msg: render_card(v, m))
        report = _median_ms(lambda v=view, m=msg: render_report(v, profile, m))
        print(
            f"documents ({language}): card {card:.0f} ms, PDF report {report:.0f} ms "
            f"(median of {RUNS}, goal < {GOAL_MS} ms; first render with the one-off font work {first:.0f} ms)"
        )
        slow += [name for name, ms in (("card", card), ("report", report)) if ms >= GOAL_MS]
    if slow:
        print(f"documents: over {GOAL_MS} ms: {', '.join(slow)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
