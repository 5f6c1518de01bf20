"""Timing shared by the peer scripts: one warm-up call, then `runs` timed calls."""
import statistics, time


def timed(function, runs):
    """Median and minimum milliseconds of `runs` calls of `function`, after one untimed call."""
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), min(times)
