"""CPU time and memory of this process and its descendants (dbt's, the gates'),
sampled in the background, so that any window of a run (a Dagster step) can be measured after it."""

from __future__ import annotations

import resource
import threading
import time
from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class Sample:
    at: float  # time.time()
    cpu: float  # CPU seconds of this process and every child, finished or running
    rss: int  # bytes resident in this process and its running children


@dataclass(frozen=True)
class Window:
    wall: float
    cpu: float
    peak_rss: int


class Sampler:
    """Samples every `interval` seconds while in a `with` block."""

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._process = psutil.Process()

    def __enter__(self) -> Sampler:
        self.samples.append(self._sample())
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(self._sample())

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.samples.append(self._sample())

    def _sample(self) -> Sample:
        # stamped before it reads: a sample stamped after a window's end then counts
        # every child that ended inside it (a child that ended but not yet reaped
        # is in neither figure)
        # (dbt's builds are children of dbt's process, which reaps them: a running
        # descendant's own reaped children count with it)
        at = time.time()
        finished = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = finished.ru_utime + finished.ru_stime
        rss = 0
        for process in [self._process, *self._process.children(recursive=True)]:
            try:
                times = process.cpu_times()
                rss += process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            cpu += times.user + times.system
            if process is not self._process:
                cpu += times.children_user + times.children_system
        return Sample(at, cpu, rss)

    def window(self, start: float, end: float) -> Window:
        """What the process tree used between two time.time() instants (the end
        already passed)."""
        if not any(s.at >= end for s in self.samples):
            self.samples.append(self._sample())
        inside = [s for s in self.samples if start <= s.at <= end]
        before = max((s for s in self.samples if s.at <= start), key=lambda s: s.at)
        after = min((s for s in self.samples if s.at >= end), key=lambda s: s.at)
        peak = max(s.rss for s in [before, *inside, after])
        return Window(end - start, max(after.cpu - before.cpu, 0.0), peak)
