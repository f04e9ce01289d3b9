"""The one way the workbench writes an output: all of it, or nothing.

:func:`atomic_folder` yields a temporary folder beside the target; when the block succeeds the
folder replaces the target whole (the previous one is removed only after the swap), and when it
fails the temporary folder is removed and the target is untouched. Temporary folders left by a
killed run (its process is gone) are removed on the next write. :func:`atomic_file` does the
same for one file. Used by the build, the reports, the fiches, the visuals and the exports.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(final: Path) -> None:
    """Remove ``.<name>.tmp-<pid>-…`` and ``.<name>.old-<pid>`` left beside ``final`` by dead runs."""
    for d in list(final.parent.glob(f".{final.name}.tmp-*")) + list(final.parent.glob(f".{final.name}.old-*")):
        marker = ".tmp-" if ".tmp-" in d.name else ".old-"
        try:
            pid = int(d.name.rsplit(marker, 1)[1].split("-", 1)[0])
        except (ValueError, IndexError):
            continue
        if pid != os.getpid() and not _pid_alive(pid):
            shutil.rmtree(d, ignore_errors=True)


def _swap(tmp: Path, final: Path) -> None:
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def atomic_folder(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``final`` whole if the block succeeds."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(final)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-{os.getpid()}-", dir=final.parent))
    tmp.chmod(0o755)
    try:
        yield tmp
        _swap(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path that replaces the file ``final`` if the block succeeds."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def promote(part: str | os.PathLike, final: str | os.PathLike) -> Path:
    """Move a completed partial file (a resumable download's ``.part``) onto its final name, atomically."""
    os.replace(part, final)
    return Path(final)


@contextlib.contextmanager
def atomic_new_files(*finals: str | os.PathLike) -> Iterator[list[Path]]:
    """Temporary paths for several new files (a raw file and its ``.meta.yml``): all appear, or none.

    The files must not exist yet (``data/raw`` only gains files); if the block or one of the moves
    fails, the files already moved are removed again.
    """
    finals_ = [Path(f) for f in finals]
    tmps = [f.with_name(f".{f.name}.{os.getpid()}.tmp") for f in finals_]
    placed: list[Path] = []
    try:
        yield tmps
        for tmp, final in zip(tmps, finals_):
            os.replace(tmp, final)
            placed.append(final)
    except BaseException:
        for p in placed:
            p.unlink(missing_ok=True)
        raise
    finally:
        for t in tmps:
            t.unlink(missing_ok=True)


def remove_together(*paths: str | os.PathLike) -> None:
    """Remove several files (a raw file and its ``.meta.yml``): both go, or neither. Each is first moved to a
    hidden name beside it; if one move fails, the moved ones are put back."""
    parked: list[tuple[Path, Path]] = []
    try:
        for p in map(Path, paths):
            hidden = p.with_name(f".{p.name}.{os.getpid()}.retire")
            os.replace(p, hidden)
            parked.append((p, hidden))
    except BaseException:
        for p, hidden in reversed(parked):
            os.replace(hidden, p)
        raise
    for _, hidden in parked:
        hidden.unlink()
