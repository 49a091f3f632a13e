"""``python -m bot``: until the interview exists, evaluate the example profile so `make run` shows something real."""

import sys
from pathlib import Path

from criteria.cli import main

example = Path(__file__).resolve().parent.parent / "examples" / "profile-hardware-l4.json"
sys.exit(main(["evaluate", str(example)]))
