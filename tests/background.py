"""The session's long products (``tests.conftest.BACKGROUND``: the two yearly runs, the two other territories
published), started in the background as soon as the tests are collected (issue 24: « a schedule that starts both
long setups at once »).

Made by the xdist workers, each product started only when a test first asked for it, on whichever worker that was:
the second run waited for the first test of its module, both runs could land on the same worker one after the other
while the other worker ran out of tests, and a module fixture was made twice when xdist dealt its tests to both
workers. Here the first worker to finish collecting starts one process per product
(``python -m tests.background NAME BASE``), which makes it through the same :func:`tests.conftest.once_at` file
locks the fixtures use; the tests that read these products are collected last (``pytest_collection_modifyitems``),
so the workers run every other test meanwhile, and a fixture that asks for a product still being made waits for
its lock. Nothing depends on this for correctness: if a background process fails or was not started, the fixture
finds the product not done and makes it itself, and its error shows in the test. Each process writes its output to
``NAME.journal`` in the run's shared temporary folder.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

_STARTED: list[subprocess.Popen] = []


def start(config, names: list[str]) -> None:
    """Start a background process for each run of ``names`` that no worker of this pytest run has started yet."""
    from pma_eval.assemble.readcache import ENV

    from .conftest import REPO, shared_base

    if not names:
        return
    base = shared_base(config)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.setdefault(ENV, str(base / "lectures"))  # the read cache the workers' builds share (tests.conftest)
    with open(base / "fond.verrou", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name in names:
            started = base / f"{name}.lance"
            if started.exists():
                continue
            started.touch()
            with open(base / f"{name}.journal", "w") as log:
                _STARTED.append(subprocess.Popen([sys.executable, "-m", "tests.background", name, str(base)],
                                                 cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                 start_new_session=True))


def stop(interrupted: bool) -> None:
    """At the end of the session: wait for the runs started here (a test of another worker may still read them), or,
    when the session was interrupted, stop them with their worker processes."""
    for proc in _STARTED:
        if interrupted and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()
    _STARTED.clear()


def main(name: str, base: Path) -> None:
    import importlib

    from .conftest import BACKGROUND, once_at

    module, function = BACKGROUND[name][1].split(":")
    once_at(base, name, getattr(importlib.import_module(module), function))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
