"""`python -m criteria`: the catalogue and bulk evaluation, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from criteria import evaluate, load_standard, parse_profile

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "profile-hardware-l4.json"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "criteria", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_catalogue_json_lists_every_item_with_the_documented_keys():
    done = run("catalogue", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    std = load_standard()
    assert [r["id"] for r in rows] == list(std.items)
    for row in rows:
        assert {"id", "kind", "field", "levels", "seed_text"} <= set(row)
        assert row["kind"] in {"complexity", "size", "theme", "accomplishment"}
        assert row["field"] in {"hardware", "software", "facility", "common"}
        assert all(isinstance(level, int) for level in row["levels"])
    # "the seven accomplishment kinds are listed once per field"
    for field in ("hardware", "software", "facility"):
        kinds = [r for r in rows if r["kind"] == "accomplishment" and r["field"] == field]
        assert len(kinds) == 7


def test_catalogue_marks_the_copy_slips_with_a_note():
    rows = json.loads(run("catalogue", "--json").stdout)
    noted = {r["id"] for r in rows if r.get("note")}
    assert "sw.l5.theme.operation_products" in noted
    assert "sw.acc.book" in noted


def test_evaluate_one_file_json_matches_the_library():
    done = run("evaluate", str(EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    expected = evaluate(parse_profile(json.loads(EXAMPLE.read_text()))).to_json()
    assert result == expected
    assert result["level"] == 4
    assert set(result["levels"]) == {"1", "2", "3", "4", "5"}
    assert result["next"]["level"] == 5


def test_evaluate_readable_report_names_level_and_plan():
    done = run("evaluate", str(EXAMPLE))
    assert done.returncode == 0
    assert "Hardware: level 4" in done.stdout
    assert "To reach Hardware level 5 you still need" in done.stdout


def test_evaluate_json_lines_from_stdin_keeps_one_result_per_line_and_reports_bad_ones():
    good = {"field": "facility", "role": "member"}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"field": "hardware", "role": "boss"}),
        json.dumps(good),
    ]
    done = run("evaluate", "-", "--json", stdin="\n".join(lines) + "\n")
    assert done.returncode == 1
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["field"] == "facility" and set(out[0]["levels"]) == {"1", "2", "3", "4", "5", "6"}
    assert out[1]["line"] == 2 and "JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and out[2]["key"] == "role"
    assert out[3] == out[0]
    assert "line 3: role:" in done.stderr


def test_evaluate_unreadable_file_is_a_clear_usage_error(tmp_path):
    done = run("evaluate", str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr
