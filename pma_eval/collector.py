"""The cyclic garbage collector's pace while the workbench produces its files (issue 24).

A yearly run allocates millions of short-lived objects: WeasyPrint's boxes (a report's layout makes some hundred
thousand, several times), matplotlib's artists, pandas' frames. With CPython's default thresholds (700, 10, 10) the
collector ran about 3 600 times in each worker process of ``pma-eval run --year 2023`` and took 5 to 6 s of its
50 s of processor, a tenth, scanning objects that are freed by reference counting anyway (measured with
``gc.callbacks``, this 2-core machine). At :data:`THRESHOLDS` it runs about 80 times, 1,3 to 1,5 s, for some 60 MB
more memory per process at most: the reference cycles (a laid-out document's boxes) are still collected, later.
The files written are the same: the collector frees memory, it changes no value.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Collector thresholds of the workbench's commands and worker processes: a young-generation collection every
#: 20 000 allocations net of deallocations (CPython: 700), the older generations every 20 of the younger one's.
THRESHOLDS = (20_000, 20, 20)


def _slower(thresholds: tuple[int, ...]) -> tuple[int, ...]:
    """``thresholds`` brought to the pace of :data:`THRESHOLDS`, never a faster one: each the larger of the two; a
    collector turned off (first threshold 0) stays off."""
    if thresholds[0] == 0:
        return tuple(thresholds)
    return tuple(max(new, old) for new, old in zip(THRESHOLDS, thresholds))


@contextmanager
def fewer_collections() -> Iterator[None]:
    """While the block runs, the collector keeps the pace of :data:`THRESHOLDS` (:func:`_slower`), and its thresholds
    are restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(*_slower(before))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def worker_initializer() -> None:
    """The pace of :data:`THRESHOLDS` (:func:`_slower`) in a worker process for its whole life: a forked worker starts
    from its parent's thresholds, a spawned one from CPython's defaults."""
    gc.set_threshold(*_slower(gc.get_threshold()))
