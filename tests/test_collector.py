"""The garbage collector's pace of the workbench's commands and workers (pma_eval.collector, issue 24). Its effect on
speed is measured by the benchmarks, not here; these tests check what it sets and that it gives back what it found."""

from __future__ import annotations

import gc

import pytest

from pma_eval.collector import THRESHOLDS, fewer_collections


@pytest.fixture
def thresholds():
    """Run the test from CPython's default thresholds and restore the suite's afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_pace_is_set_for_the_block_and_restored_after_it_even_on_an_error(thresholds):
    with fewer_collections():
        assert gc.get_threshold() == THRESHOLDS
    assert gc.get_threshold() == (700, 10, 10)
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("échec dans le bloc")
    assert gc.get_threshold() == (700, 10, 10)


def test_a_slower_pace_already_set_is_kept_and_a_collector_turned_off_stays_off(thresholds):
    gc.set_threshold(50_000, 5, 30)
    with fewer_collections():  # each threshold the larger of the two: never collected more often than before
        assert gc.get_threshold() == (50_000, 20, 30)
    gc.set_threshold(0, 10, 10)
    with fewer_collections():
        assert gc.get_threshold()[0] == 0


def _threshold_here() -> tuple[int, int, int]:
    return gc.get_threshold()


def test_the_yearly_runs_workers_collect_at_that_pace(thresholds):
    from pma_eval.publish.run import _executor

    with _executor(1) as pool:  # forked from a process at CPython's defaults
        assert pool.submit(_threshold_here).result() == THRESHOLDS


def test_a_command_runs_at_that_pace_and_gives_the_process_back_its_own(thresholds, monkeypatch):
    from pma_eval import cli

    seen = []
    monkeypatch.setattr(cli, "build_parser", lambda: _Parser(lambda args: seen.append(gc.get_threshold()) or 0))
    assert cli.main(["quoi"]) == 0
    assert seen == [THRESHOLDS] and gc.get_threshold() == (700, 10, 10)


class _Parser:
    """A stand-in for the command line's parser whose one command records the collector's thresholds."""

    def __init__(self, func):
        self.func = func

    def parse_args(self, argv):
        import argparse

        return argparse.Namespace(func=self.func)
