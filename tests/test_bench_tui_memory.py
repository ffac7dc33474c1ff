"""bench/tui_memory.py: the steps that grew the card screen's RSS, the rest summed."""

from __future__ import annotations

from bench.tui_memory import growth, report


def _steps(*rss: int) -> list[tuple[str, str, dict[str, int]]]:
    return [(f"k{i}", f"key {i}", {"VmRSS": r, "VmHWM": max(rss[:i + 1]), "RssAnon": r - 100})
            for i, r in enumerate(rss)]


def test_each_step_is_billed_its_own_growth() -> None:
    steps = _steps(1000, 1010, 1500, 1490, 1700, 1720)
    big, small = growth(steps, 150)
    assert big == [("k2", "key 2", 490, 1500), ("k4", "key 4", 210, 1700)]
    assert small == 10 - 10 + 20  # the other steps, a fall too
    assert sum(d for *_, d, _ in big) + small == 1720 - 1000


def test_the_report_names_the_start_the_peak_and_the_steps() -> None:
    text = report(_steps(39_000, 42_072, 42_100), 150)
    lines = text.splitlines()
    assert lines[0].startswith("after start: VmRSS 38.1 MiB (own 38.0); peak VmHWM 41.1 MiB")
    assert "+3.00 MiB" in lines[1] and "key 1" in lines[1]
    assert lines[2].strip().startswith("+0.03 MiB  the other 1 steps")
