"""``python -m criteria``: list the standard's items, or evaluate profiles in bulk.

Input is either one JSON document (a profile) or JSON Lines, one profile a line; output keeps one
line per input line, so results stay aligned with their inputs even when some lines are bad.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Any

from criteria.evaluate import evaluate
from criteria.profile import ProfileError, parse_profile
from criteria.registry import load_standard
from criteria.report import render_report
from criteria.standard import COMMON, Standard, StandardError


def catalogue(std: Standard) -> list[dict[str, Any]]:
    """Every item once, accomplishments once per field, in the data file's order."""
    out = []
    for item in std.items.values():
        row: dict[str, Any] = {
            "id": item.id,
            "kind": item.kind,
            "field": item.field,
            "levels": list(item.levels),
            "seed_text": item.seed_text,
        }
        if item.note:
            row["note"] = item.note
        out.append(row)
    return out


def _documents(text: str) -> Iterator[tuple[int, object | ProfileError]]:
    """Yield (line number, decoded JSON or error); a whole-file document counts as line 1."""
    stripped = text.strip()
    if not stripped:
        return
    if "\n" in stripped:
        try:
            yield 1, json.loads(stripped)
            return
        except json.JSONDecodeError:
            pass  # not one document: read it as JSON Lines
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ProfileError("$", f"not valid JSON ({exc.msg} at column {exc.colno})")


def run_evaluate(
    source: IO[str], out: IO[str], err: IO[str], as_json: bool, std: Standard | None = None
) -> int:
    std = std or load_standard()
    failures = 0
    for number, doc in _documents(source.read()):
        try:
            if isinstance(doc, ProfileError):
                raise doc
            evaluation = evaluate(parse_profile(doc, std), std)
        except ProfileError as exc:
            failures += 1
            if as_json:
                out.write(json.dumps({"line": number, "error": str(exc), "key": exc.key}) + "\n")
            err.write(f"line {number}: {exc}\n")
            continue
        if as_json:
            out.write(json.dumps(evaluation.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(render_report(evaluation, std) + "\n\n")
    return 1 if failures else 0


def run_catalogue(out: IO[str], as_json: bool, std: Standard | None = None) -> int:
    std = std or load_standard()
    rows = catalogue(std)
    if as_json:
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    for field in (*std.field_ids, COMMON):
        out.write(f"== {field}\n")
        for r in (r for r in rows if r["field"] == field):
            levels = ",".join(map(str, r["levels"]))
            out.write(f"  {r['id']:<32} {r['kind']:<14} L{levels:<8} {r['seed_text']}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m criteria", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--standard",
        metavar="ID|FILE",
        help="a packaged standard's id or a standard's JSON file (default: ITSS V2 Customer Service)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    cat = sub.add_parser("catalogue", help="list every item of the standard")
    cat.add_argument("--json", action="store_true", help="machine-readable output")
    ev = sub.add_parser("evaluate", help="evaluate a profile file, or JSON Lines from stdin ('-')")
    ev.add_argument("source", help="a profile JSON file, or - for stdin")
    ev.add_argument("--json", action="store_true", help="one JSON result a line")
    args = parser.parse_args(argv)
    try:
        std = load_standard(args.standard)
    except StandardError as exc:
        parser.exit(2, f"python -m criteria: --standard {exc}\n")
    if args.command == "catalogue":
        return run_catalogue(sys.stdout, args.json, std)
    if args.source == "-":
        return run_evaluate(sys.stdin, sys.stdout, sys.stderr, args.json, std)
    try:
        with open(args.source, encoding="utf-8") as fh:
            return run_evaluate(fh, sys.stdout, sys.stderr, args.json, std)
    except OSError as exc:
        parser.exit(2, f"python -m criteria: cannot read {args.source}: {exc.strerror}\n")
