"""Issue 24: the readings of raw files are kept between builds, found again by content, and never stale."""

from __future__ import annotations

import re

import pandas as pd

from pma_eval.assemble import build
from pma_eval.assemble.readcache import ENV
from pma_eval.checksum import sha256

from ..conftest import tree


def test_a_second_build_reads_from_the_cache_and_writes_the_same_tables(tiny_built, monkeypatch):
    """The first build is the run's shared build of the small territory (tests/tiny.py: made with the project's own
    cache, data/interim/lectures), copied here with its cache; the second is this test's."""
    monkeypatch.delenv(ENV, raising=False)  # the project's own cache, data/interim/lectures
    first = tree(tiny_built.processed)
    cache = tiny_built.root / "data" / "interim" / "lectures"
    entries = sorted(p.name for p in cache.glob("*/*.pkl"))
    assert entries  # one reading a raw file (the activity registers are read by their own step)
    files = [p for p in tiny_built.raw.rglob("*") if p.is_file() and not p.name.endswith(".meta.yml")]
    assert len(entries) <= len(files)
    build(tiny_built)
    assert sorted(p.name for p in cache.glob("*/*.pkl")) == entries  # nothing read again
    assert tree(tiny_built.processed) == first


def test_a_changed_file_is_read_again_and_its_old_reading_pruned(tiny_built, monkeypatch):
    """Content-addressed: one population changed by hand is what the next build publishes, and the
    project's cache keeps only the readings of its current files (the first build: the run's shared build of the
    small territory, copied with its own cache)."""
    tiny_project = tiny_built
    monkeypatch.delenv(ENV, raising=False)
    cache = tiny_project.root / "data" / "interim" / "lectures"
    before = {p.name for p in cache.glob("*/*.pkl")}
    raw = tiny_project.raw / "population" / "pma_population_communes.csv"
    lines = raw.read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    col = header.index("population_municipale")
    code, year, old = row[header.index("code_insee")], int(row[header.index("millesime")]), int(row[col])
    row[col] = str(old + 1)
    raw.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    meta = raw.with_name(raw.name + ".meta.yml")  # a producer's file changed without its checksum stops the build
    meta.write_text(re.sub(r"(?m)^sha256: *\S+$", f"sha256: {sha256(raw)}", meta.read_text(encoding="utf-8")),
                    encoding="utf-8")
    build(tiny_project)
    after = {p.name for p in cache.glob("*/*.pkl")}
    assert len(after) == len(before) and len(after - before) == 1  # that file read again, its old reading gone
    pop = pd.read_parquet(tiny_project.processed / "population.parquet")
    got = pop.loc[(pop["geo_level"] == "commune") & (pop["geo_code"] == code) & (pop["year"] == year), "value"]
    assert float(got.iloc[0]) == old + 1  # hand: the row as written, plus one inhabitant


def test_the_cache_can_be_turned_off(tiny_added):
    """The build of the small territory with the additions of the build tests (tests/conftest.py) runs with
    ``PMA_EVAL_CACHE=0``: a fresh project, built, has no cache folder."""
    assert (tiny_added.processed / "manifest.json").is_file()
    assert not (tiny_added.root / "data" / "interim").exists()
