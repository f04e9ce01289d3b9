"""What each raw file reads to, kept between builds and found again by content (issue 24: fast feedback).

A build reads every raw file again, although a user who adds one file has changed one input, and the test suite
builds the same shipped files some twenty times. A file's reading depends on its bytes, its metadata, the
territory's communes and the code and libraries that read it; the cache key is one sha256 over all of these,
so a changed file, metadata, territory, reader or library version simply misses. Only successful readings are
kept (a refusal is read again and says its problems again). Nothing else of the build is cached: the
reconciliation and the indicators are always computed.

The cache is ``data/interim/lectures/`` of the project (cookiecutter-data-science's folder for intermediate
data; ignored by git). After each build it keeps only the readings that build used. ``PMA_EVAL_CACHE`` names
another folder, shared by several projects and never pruned (the test suite's many copies of one project), or
turns the cache off with ``0``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

import pandas as pd

from ..atomic import atomic_file
from ..config import Paths
from .write import code_fingerprint

ENV = "PMA_EVAL_CACHE"
#: Bumped when the layout of a cache entry changes.
LAYOUT = "1"


def folder(paths: Paths) -> tuple[Path | None, bool]:
    """The cache folder of a build, and whether it belongs to this project alone (then it is pruned)."""
    value = os.environ.get(ENV, "").strip()
    if value == "0":
        return None, False
    if value:
        return Path(value), False
    return paths.root / "data" / "interim" / "lectures", True


def entry_key(code: str, file_sha256: str, meta: dict, display: str, territory_digest: str) -> str:
    """The key of one reading: the code that reads (:func:`code_fingerprint`), the file's bytes, its metadata,
    the name shown in messages and the territory's communes."""
    h = hashlib.sha256(f"{LAYOUT}\0{code}\0{file_sha256}\0{display}\0{territory_digest}\0".encode())
    h.update(json.dumps(meta, sort_keys=True, default=str, ensure_ascii=False).encode())
    return h.hexdigest()


class ReadCache:
    """The readings of one build: :meth:`read` looks a file up, or reads it and keeps what it read."""

    def __init__(self, paths: Paths, territory):
        self.root, self.own = folder(paths)
        self.territory = "" if territory is None else hashlib.sha256(
            territory.communes.to_csv(index=False).encode()).hexdigest()
        self.code = code_fingerprint() if self.root is not None else ""  # once a build (≈ 10 ms)
        self.used: set[str] = set()

    def read(self, file_sha256: str, f, reader) -> pd.DataFrame:
        if self.root is None:
            return reader()
        key = entry_key(self.code, file_sha256, f.meta, f.display, self.territory)
        self.used.add(key)
        path = self.root / key[:2] / f"{key}.pkl"
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
        df = reader()
        try:
            with atomic_file(path) as tmp, open(tmp, "wb") as fh:  # whole or absent, also for two builds at once
                pickle.dump(df, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            pass  # a read-only or full disk costs speed, never the build
        return df

    def prune(self) -> None:
        """Remove the project's readings this build did not use (older versions of its files)."""
        if self.root is None or not self.own or not self.root.is_dir():
            return
        for p in self.root.glob("*/*.pkl"):
            if p.stem not in self.used:
                p.unlink(missing_ok=True)
