"""The session's long products (``tests.conftest.BACKGROUND``: the two yearly runs, the two other territories
published), started in the background as soon as the tests are collected (issue 24: « a schedule that starts both
long setups at once »).

Made by the xdist workers, each product started only when a test first asked for it, on whichever worker that was:
the second run waited for the first test of its module, both runs could land on the same worker one after the other
while the other worker ran out of tests, and a module fixture was made twice when xdist dealt its tests to both
workers. Here the first process to finish collecting (an xdist worker, or pytest alone) starts one process per
product (``python -m tests.background NAME BASE``), which makes it through the same :func:`tests.conftest.once_at`
file locks the fixtures use; the tests that read these products are collected last
(``pytest_collection_modifyitems``), so the workers run every other test meanwhile, and a fixture that asks for a
product still being made waits for its lock. Nothing depends on this for correctness: if a background process dies
or was not started, the fixture finds the product not done and makes it itself. Each process writes its output to
``NAME.journal`` in the run's shared temporary folder, which a fixture shows when a command it recorded failed
(:func:`journal`); what is still running when the pytest run ends is stopped (:func:`stop`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

#: The processes started here: reaped at the end of the run (a finished child left unreaped still has its group).
_STARTED: list[subprocess.Popen] = []


def start(config, names: list[str]) -> None:
    """Start a background process for each product of ``names`` that no process of this pytest run has started yet.
    Its process group is written to ``NAME.groupe`` (:func:`stop`)."""
    from pma_eval.assemble.readcache import ENV

    from .conftest import REPO, shared_base

    if not names:
        return
    base = shared_base(config)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    if not env.get(ENV, "").strip():
        env[ENV] = str(base / "lectures")  # the read cache the workers' builds share (tests.conftest)
    env.setdefault("MPLBACKEND", "Agg")  # as the test modules set it in the workers
    with open(base / "fond.verrou", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for name in names:
            started = base / f"{name}.lance"
            if started.exists():
                continue
            started.touch()
            with open(base / f"{name}.journal", "w") as log:
                proc = subprocess.Popen([sys.executable, "-m", "tests.background", name, str(base)], cwd=REPO,
                                        env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
            _STARTED.append(proc)
            (base / f"{name}.groupe").write_text(str(proc.pid))


def stop(config) -> None:
    """At the end of the pytest run, in the process that saw it all (xdist's controller, or pytest alone): stop what a
    background process is still making, its whole process group. No test will read it any more: the run stopped
    early (``-x``, ``--maxfail``, Ctrl-C) or its readers were not collected. A finished product's group is gone."""
    from .conftest import shared_base

    for proc in _STARTED:
        proc.poll()  # a finished one reaped
    if hasattr(config, "workerinput"):
        return
    groups = []
    for path in shared_base(config).glob("*.groupe"):
        try:
            group = int(path.read_text())
            os.killpg(group, signal.SIGTERM)
            groups.append(group)
        except (ProcessLookupError, ValueError):
            pass
    deadline = time.monotonic() + 10
    for group in groups:
        while time.monotonic() < deadline:
            for proc in _STARTED:
                proc.poll()
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)


def journal(config, name: str) -> str:
    """The last lines a background process wrote for ``name`` (its commands' messages, a traceback), or ""."""
    from .conftest import shared_base

    path = shared_base(config) / f"{name}.journal"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]) if path.exists() else ""


def main(name: str, base: Path) -> None:
    import importlib

    from .conftest import BACKGROUND, once_at

    module, function = BACKGROUND[name][1].split(":")
    once_at(base, name, getattr(importlib.import_module(module), function))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
