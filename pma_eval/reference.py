"""The national reference of communes, EPCIs, legal populations and commune geometry (``data/reference/france``).

What ``pma-eval territoire creer`` derives a territory from (issue 27): every current commune with its EPCI,
département and region, every EPCI à fiscalité propre with its legal kind, the legal populations of every commune
by millésime, and a simplified commune geometry. The files are stored gzipped, as collected (byte for byte once
decompressed; the ``.meta.yml`` beside each gives the sha256 of both), and read as they are by
:mod:`pma_eval.sources.france`.

They are kept out of ``data/raw``: the build reads every file of ``data/raw`` and the tests copy it whole, while
these files speak for no commune of the territory (measured in issue 27 on a private copy: reading them adds about
4 s of CPU to a cold build, 13 s → 17 s, and 30 MB to the read cache; see data/reference/README.md).
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

from .atomic import atomic_file
from .config import Paths

#: Environment variable naming another folder for the reference (tests, a shared copy).
ENV = "PMA_EVAL_REFERENCE_DIR"

#: The stored files, by role.
FILES = {
    "communes": "communes.csv.gz",
    "epci": "epci.csv.gz",
    "populations": "populations_communes.csv.gz",
    "contours": "communes_geometrie_simplifiee.geojson.gz",
}


def folder(paths: Paths) -> Path:
    """The reference's folder: ``$PMA_EVAL_REFERENCE_DIR`` or ``data/reference/france`` of the project."""
    value = os.environ.get(ENV, "").strip()
    return Path(value).resolve() if value else paths.root / "data" / "reference" / "france"


def store_gzip(source: str | os.PathLike, target: str | os.PathLike) -> Path:
    """Gzip ``source`` into ``target`` reproducibly: no file name and mtime 0 in the header, level 9, so that the
    same bytes always give the same archive (its sha256 in the ``.meta.yml`` can be checked again)."""
    target = Path(target)
    with atomic_file(target) as tmp, open(source, "rb") as src, open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
            shutil.copyfileobj(src, out, 1 << 20)
        tmp.chmod(0o644)
    return target
