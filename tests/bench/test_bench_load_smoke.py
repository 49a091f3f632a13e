"""The load benchmark's own arithmetic and command line, without starting anything.

Speed goals are judged by reading ``bench/bench_load.py``'s printed figures, never by a timed test; what
can be checked fast is that those figures are computed right (percentiles, ratios) and that the options
mean what the README says.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import bench_load  # noqa: E402


def test_percentiles_interpolate_between_closest_ranks():
    values = [float(n) for n in range(1, 101)]  # 1..100, shuffled order must not matter
    shuffled = values[50:] + values[:50]
    assert bench_load.percentile(shuffled, 50) == pytest.approx(50.5)
    assert bench_load.percentile(shuffled, 95) == pytest.approx(95.05)
    assert bench_load.percentile(shuffled, 99) == pytest.approx(99.01)
    assert bench_load.percentile(shuffled, 0) == 1.0
    assert bench_load.percentile(shuffled, 100) == 100.0
    assert bench_load.percentile([7.0], 99) == 7.0
    assert bench_load.percentile([1.0, 2.0, 3.0, 4.0], 25) == pytest.approx(1.75)
    assert math.isnan(bench_load.percentile([], 50))
    with pytest.raises(ValueError):
        bench_load.percentile([1.0], 101)


def test_ratios_are_missing_rather_than_infinite():
    assert bench_load.ratio(6.0, 2.0) == 3.0
    assert math.isnan(bench_load.ratio(1.0, 0.0))
    assert math.isnan(bench_load.ratio(math.nan, 2.0))


def test_defaults_are_fifty_engineers_in_a_closed_loop_on_sqlite_polling_beside_the_echo_bot():
    args = bench_load.parse_args([])
    assert (args.engineers, args.duration, args.interviews) == (50, 30.0, None)
    assert (args.db, args.mode, args.loop) == ("sqlite", "polling", "closed")
    assert args.bots == ["levelcheck", "echo"]


def test_quick_is_small_and_explicit_options_win():
    quick = bench_load.parse_args(["--quick"])
    assert quick.engineers * quick.duration <= 100 and quick.warmup <= 1
    assert bench_load.parse_args(["--quick", "--engineers", "3"]).engineers == 3
    counted = bench_load.parse_args(["--interviews", "2"])
    assert counted.interviews == 2 and counted.duration is None


def test_open_loop_offers_the_rate_at_a_human_pace():
    args = bench_load.parse_args(["--loop", "open", "--rate", "50", "--think", "4"])
    assert args.engineers == 200
    assert bench_load.think_mean_s(args) == pytest.approx(4.0)
    fixed = bench_load.parse_args(["--loop", "open", "--rate", "50", "--engineers", "50"])
    assert bench_load.think_mean_s(fixed) == pytest.approx(1.0)  # 50 people × 1 update/s each


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "mysql"],
        ["--mode", "carrier-pigeon"],
        ["--loop", "half"],
        ["--duration", "5", "--interviews", "2"],
        ["--engineers", "0"],
        ["--rate", "0"],
        ["--rounds", "0"],
        ["--bots", "echo,echo"],
        ["--bots", "levelcheck,other"],
    ],
)
def test_bad_options_are_refused(argv):
    with pytest.raises(SystemExit) as refused:
        bench_load.parse_args(argv)
    assert refused.value.code == 2


def test_postgres_needs_a_server(monkeypatch):
    monkeypatch.delenv(bench_load.POSTGRES_URL_VARIABLE, raising=False)
    with pytest.raises(SystemExit):
        bench_load.parse_args(["--db", "postgres"])
    url = "postgresql+asyncpg://bench@127.0.0.1:5432/bench"
    assert bench_load.parse_args(["--db", "postgres", "--postgres", url]).postgres == url
    monkeypatch.setenv(bench_load.POSTGRES_URL_VARIABLE, url)
    assert bench_load.parse_args(["--db", "postgres"]).postgres == url


def test_echo_scripts_mirror_levelcheck_interviews():
    """One script per person, each starting with /start, as levelcheck's interviews do."""
    assert len(bench_load.DEFAULT_SCRIPTS) == len(bench_load.PEOPLE)
    for script in bench_load.DEFAULT_SCRIPTS:
        assert script[0] == ("text", "/start")
        assert {kind for kind, _ in script} <= {"text", "press"}


def _figures(
    bot: str, cpu: float, p99: float, *, late: int = 0, error: str | None = None
) -> bench_load.Figures:
    return bench_load.Figures(
        bot=bot, updates=100, seconds=1.0, throughput=100.0, p50_ms=1.0, p95_ms=2.0, p99_ms=p99,
        cpu_ms_per_update=cpu, api_calls_per_update=2.5, peak_rss_mb=200.0, interviews=3, late=late,
        errors=1 if error else 0, first_error=error, error_log_lines=0,
    )  # fmt: skip


def test_rounds_report_each_figures_median_and_every_problem():
    rounds = [_figures("levelcheck", 9.0, 50.0), _figures("levelcheck", 6.0, 900.0, late=2, error="boom"),
              _figures("levelcheck", 7.0, 40.0)]  # fmt: skip
    merged = bench_load.median_figures(rounds)
    assert (merged.cpu_ms_per_update, merged.p99_ms) == (7.0, 50.0)
    assert (merged.late, merged.errors, merged.first_error) == (2, 1, "boom")
    assert bench_load.median_figures(rounds[:1]) is rounds[0]
    pairs = [{"levelcheck": r, "echo": _figures("echo", 2.0, 10.0)} for r in rounds]
    assert bench_load.cpu_ratios(pairs) == [4.5, 3.0, 3.5]
    assert bench_load.parse_args([]).rounds == 1


def test_the_open_loop_measures_after_the_opening_wave_of_starts():
    """Everyone's first update is a /start after a first think: the warm-up lasts three mean thinks
    (by then 95% have begun), unless given."""
    assert bench_load.parse_args(["--loop", "open", "--think", "4"]).warmup == pytest.approx(12.0)
    fixed = bench_load.parse_args(["--loop", "open", "--rate", "50", "--engineers", "50"])
    assert fixed.warmup == pytest.approx(3.0)  # 1 s thinks: the opening wave is over in 3 s
    assert bench_load.parse_args(["--loop", "open", "--warmup", "1"]).warmup == 1.0
    assert bench_load.parse_args(["--loop", "open", "--quick"]).warmup <= 1
    assert bench_load.parse_args([]).warmup == 3.0  # closed: everyone starts at once anyway
