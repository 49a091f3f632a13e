"""How long `python -m criteria evaluate - --json` takes on 3,000 JSON-Lines profiles (goal: < 2 s).

Timed end to end, interpreter start-up included, because that is what a batch user waits for.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

from criteria import load_standard

ROOT = Path(__file__).resolve().parent.parent
COUNT = 3000
GOAL_SECONDS = 2.0


def random_profile(rng: random.Random) -> dict:
    std = load_standard()
    field = rng.choice(std.field_ids)
    spec = std.fields[field]
    themes = [i.id for i in std.items.values() if i.kind == "theme" and i.field in (field, "common")]
    common_cx = [i.id for i in std.items.values() if i.kind == "complexity" and i.field == "common"]
    exps = []
    for _ in range(rng.randint(0, 3)):
        cx = rng.sample(spec.complexity, rng.randint(0, len(spec.complexity)))
        if field == "facility":
            exps.append(
                {
                    "complexity": cx,
                    "scope": rng.choice(["part", "whole"]),
                    "rooms": rng.randint(0, 8),
                    "area_m2": rng.randint(0, 9000),
                    "sites": rng.randint(0, 400),
                }
            )
        else:
            exps.append({"complexity": cx, "size": rng.choice(spec.size_ladder)})
    return {
        "field": field,
        "role": rng.choice(std.role_ids),
        "experiences": exps,
        "involvement": rng.choice(["none", "participated", "carried_out"]),
        "common_complexity": rng.sample(common_cx, rng.randint(0, 3)),
        "themes": rng.sample(themes, rng.randint(0, 4)),
        "accomplishments": rng.sample(spec.accomplishments, rng.randint(0, 7)),
        "mentoring": rng.random() < 0.5,
    }


def main() -> int:
    rng = random.Random(20061)
    payload = "".join(json.dumps(random_profile(rng)) + "\n" for _ in range(COUNT)).encode()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "criteria", "evaluate", "-", "--json"],
            input=payload,
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
        best = min(best, time.perf_counter() - start)
    lines = done.stdout.decode().splitlines()
    assert len(lines) == COUNT, f"expected {COUNT} results, got {len(lines)}"
    verdict = "ok" if best < GOAL_SECONDS else "too slow"
    print(
        f"criteria evaluate: {COUNT} profiles in {best:.3f} s (best of 3; goal < {GOAL_SECONDS} s): {verdict}"
    )
    return 0 if best < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
