"""Terminal-front tests reuse the scripted interviewee of ``tests/service`` (see its ``service_driver``).

No ``tests/__init__.py`` exists, so that folder is put on ``sys.path`` here, which also makes
``pytest tests/terminal`` work on its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SERVICE_TESTS = str(Path(__file__).resolve().parent.parent / "service")
if _SERVICE_TESTS not in sys.path:
    sys.path.append(_SERVICE_TESTS)
