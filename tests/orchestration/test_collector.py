"""The collector is set for a run and given back as it was."""

from __future__ import annotations

import gc

from orchestration import collector


def test_a_run_freezes_what_is_loaded_and_restores_the_collector_after():
    before = gc.get_threshold()
    loaded = [object() for _ in range(10)]
    with collector.settled():
        assert gc.get_threshold() == collector.THRESHOLDS
        assert gc.get_freeze_count() >= len(loaded)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
