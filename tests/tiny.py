"""The small test territory: 7 communes in two EPCIs, cut from the shipped raw files by a written rule.

The CALL keeps Lens (62498), Ablain-Saint-Nazaire (62001), Acheville (62003) and Aix-Noulette (62019), the
communes of the test fixtures; the CAHC keeps Bois-Bernard (62148), Carvin (62215) and Courrières (62250).
The CABBALR and the other communes are cut:

- every CSV of ``data/raw`` loses the rows in which a cell names a commune, the EPCI or the acronym that was
  cut (the territory tables, populations, inventories, registries, targets…), or, in the SDES IRIS heat files,
  an IRIS code of a cut commune (its first 5 characters); the GeoJSON loses their
  features; each changed file's ``.meta.yml`` gets the new sha256;
- the files that publish a whole EPCI's total next to its communes' values are left out (their totals
  would no longer equal the sum of the communes kept): EPCI populations, Enedis by EPCI, ORE by EPCI;
- region-wide and territory-free files are copied as they are: the region's inventory and communes
  (comparisons), the national and regional references;
- the fictional activity registers lose the events, projects and actions of the CABBALR, as the rule above
  says, and the participations in the events cut (they name no EPCI but their event).

A build of this project reads the same formats through the same readers as the full one: the build, method
and raw-data tests run on it; the full 150-commune build happens once per test run (``built_paths``). A
build costs nearly as much processor time on 7 communes as on 150 (most of it is the fixed cost of the
steps and the 107 indicators), so what saves time is building less often: the small territory as shipped is
built once per test run too (:func:`built_once`, fixtures ``tiny_built_paths`` to read and ``tiny_built``
to change); a test that must change a raw file and build again does it once, on its own copy.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"

CALL, CAHC, CABBALR = "246200364", "246200299", "200072460"
COMMUNES = {"62498": CALL, "62001": CALL, "62003": CALL, "62019": CALL, "62148": CAHC, "62215": CAHC, "62250": CAHC}
#: Published EPCI totals beside commune values: they would no longer be the sum of the communes kept.
LEFT_OUT = ("population/pma_population_epci_pma.csv", "energie/enedis_conso_elec_residentiel_epci_2023_pma.csv",
            "demonstration/ore_conso_elec_gaz_epci_2012_2021_demo.csv",
            "demonstration/ore_conso_elec_gaz_epci_2022_2023_demo.csv")
#: Copied as they are: region-wide comparisons, references.
AS_IS = ("comparaisons/", "referentiels/")
#: The participations name their event only: they go with the events cut.
PARTICIPATIONS, EVENTS = "activite/participations_exemple_fictif.csv", "activite/evenements_exemple_fictif.csv"


def _cut() -> set[str]:
    """Every code or acronym that names something cut: the Pôle's other communes, the CABBALR."""
    with open(RAW / "territoire" / "pma_communes.csv", encoding="utf-8") as f:
        everyone = {r["code_insee"] for r in csv.DictReader(f)}
    return (everyone - set(COMMUNES)) | {CABBALR, "CABBALR"}


def _filter_csv(data: bytes, cut: set[str]) -> bytes:
    text = data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8", errors="replace")
    lines = data.split(b"\n")
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") >= header.count(",") else ","
    # SDES IRIS files: an IRIS code is a commune code and 4 more characters (« 624980204 » is in Lens)
    iris = "Code de l'IRIS" in header
    keep = [lines[0]]
    for raw, line in zip(lines[1:], text.split("\n")[1:]):
        cells = next(csv.reader([line], delimiter=sep), [])
        if not any(c.strip() in cut or iris and len(c.strip()) == 9 and c.strip()[:5] in cut for c in cells):
            keep.append(raw)
    return b"\n".join(keep)


def _filter_geojson(data: bytes, cut: set[str]) -> bytes:
    geo = json.loads(data)
    geo["features"] = [f for f in geo["features"] if not set(map(str, f.get("properties", {}).values())) & cut]
    return json.dumps(geo, ensure_ascii=False).encode("utf-8")


def make_tiny_project(dest: Path) -> Path:
    """Write the small territory's project (data/raw, notebooks, scenarios) into ``dest``; return ``dest``."""
    cut = _cut()
    shutil.copytree(REPO / "notebooks", dest / "notebooks")
    shutil.copytree(REPO / "scenarios", dest / "scenarios")
    (dest / "data" / "processed").mkdir(parents=True)
    (dest / "reports").mkdir()
    for folder in (p for p in RAW.rglob("*") if p.is_dir()):  # every folder, even one whose files were left out
        (dest / "data" / "raw" / folder.relative_to(RAW)).mkdir(parents=True, exist_ok=True)
    changed: dict[str, str] = {}
    events = _filter_csv((RAW / EVENTS).read_bytes(), set()).decode("utf-8").split("\n")[1:]
    kept = _filter_csv((RAW / EVENTS).read_bytes(), cut).decode("utf-8").split("\n")[1:]
    cut_events = {line.split(";", 1)[0] for line in set(events) - set(kept) if line.strip()}
    for src in sorted(p for p in RAW.rglob("*") if p.is_file() and not p.name.endswith(".meta.yml")):
        rel = src.relative_to(RAW).as_posix()
        if rel in LEFT_OUT:
            continue
        out = dest / "data" / "raw" / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        if not rel.startswith(AS_IS) and src.suffix == ".csv":
            data = _filter_csv(data, cut | cut_events if rel == PARTICIPATIONS else cut)
        elif not rel.startswith(AS_IS) and src.suffix == ".geojson":
            data = _filter_geojson(data, cut)
        out.write_bytes(data)
        if data != src.read_bytes():
            changed[rel] = hashlib.sha256(data).hexdigest()
        meta = src.with_name(src.name + ".meta.yml")
        if meta.exists():
            text = meta.read_text(encoding="utf-8")
            if rel in changed:
                text = re.sub(r"(?m)^(\s*sha256:\s*).*$", lambda m: m.group(1) + changed[rel], text)
            out.with_name(out.name + ".meta.yml").write_text(text, encoding="utf-8")
    return dest


#: The shared build of the small territory, in the pytest run's base folder (``conftest.once``).
BUILT = "petit_construit"


def built_once(config, tmp_path_factory) -> Path:
    """The root of the small territory's project built once per pytest run, whichever xdist worker asks first
    (read-only: a test that writes works on :func:`private_copy`). It keeps its own cache of raw-file readings,
    ``data/interim/lectures`` (the project's cache, as a user's build keeps it: tests/assemble/test_readcache.py
    reads it), not the run's shared one."""
    from pma_eval.assemble import build
    from pma_eval.assemble.readcache import ENV
    from pma_eval.config import get_paths

    from .conftest import once

    def produce(root: Path) -> None:
        make_tiny_project(root)
        shared = os.environ.pop(ENV, None)
        try:
            build(get_paths(root))
        finally:
            if shared is not None:
                os.environ[ENV] = shared
        if shared and shared != "0":  # the run's other builds of the small territory find these readings too
            own = root / "data" / "interim" / "lectures"
            shutil.copytree(own, shared, dirs_exist_ok=True)

    return once(config, tmp_path_factory, BUILT, produce)


def private_copy(root: Path, dest: Path) -> Path:
    """A copy of the built small project ``root`` (raw, processed, reading cache, notebooks, scenarios) to change
    and build again; returns ``dest``."""
    shutil.copytree(root, dest, symlinks=True)
    return dest
