"""Entry point for ``python -m criteria``."""

import os
import sys

from criteria.cli import main

try:
    sys.exit(main())
except BrokenPipeError:  # e.g. `| head`: the reader left, which is not an error of ours
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)
