"""How hard the property tests try: fully in CI (``CI=true``), lightly for a person at a keyboard.

A property test's value grows with its examples, but ``make test`` is run many times a day; the
local budget keeps every property exercised (never fewer than 10 examples) at a fraction of the
time, and CI runs the full budget on every submission.
"""

from __future__ import annotations

import os

FULL = os.environ.get("CI", "").strip().lower() == "true"
LOCAL_SHARE = 5  # locally a fifth of the CI budget


def examples(full: int) -> int:
    """``full`` examples in CI, a fifth of them (at least 10) locally."""
    return full if FULL else max(10, full // LOCAL_SHARE)
