"""The benchmark's sampler counts the CPU and memory of child processes (dbt's)."""

from __future__ import annotations

import subprocess
import sys
import time

from orchestration.benchmarks.sampler import Sampler

BUSY = "import time\nend = time.process_time() + 1.0\nwhile time.process_time() < end: pass"
HOLD = 'import time\nblock = b"x" * (300 * 2**20)\ntime.sleep(1.0)'


def test_a_childs_cpu_seconds_are_counted_and_an_idle_window_has_none():
    with Sampler(interval=0.05) as sampler:
        start = time.time()
        subprocess.run([sys.executable, "-c", BUSY], check=True)
        busy = sampler.window(start, time.time())
        start = time.time()
        time.sleep(0.5)
        idle = sampler.window(start, time.time())
    assert 0.9 <= busy.cpu <= busy.wall + 0.2
    assert idle.cpu < 0.2


def test_a_grandchild_reaped_by_a_running_child_is_counted():
    """dbt's builds are processes of dbt's own process, which outlives them."""
    reaps = (
        "import subprocess, sys, time\n"
        f"subprocess.run([sys.executable, '-c', {BUSY!r}], check=True)\n"
        "print('reaped', flush=True)\n"
        "time.sleep(1.0)"
    )
    with Sampler(interval=0.05) as sampler:
        start = time.time()
        child = subprocess.Popen([sys.executable, "-c", reaps], stdout=subprocess.PIPE)
        assert child.stdout.readline() == b"reaped\n"
        time.sleep(0.2)  # a sample or more after the reaping
        window = sampler.window(start, time.time())  # the child still runs
        child.wait()
    assert window.cpu >= 0.9


def test_a_running_childs_memory_is_in_the_peak():
    with Sampler(interval=0.05) as sampler:
        start = time.time()
        subprocess.run([sys.executable, "-c", HOLD], check=True)
        window = sampler.window(start, time.time())
    before = sampler.samples[0].rss  # taken as the block began
    assert window.peak_rss - before > 250 * 2**20
