"""Raw → processed: discover, read, validate, reconcile and write the tidy tables.

Every file of ``data/raw`` that has a ``format`` in its ``.meta.yml`` is read with the reader
of that format. Real (``observed``) data takes precedence over ``demonstration`` data for the
same dataset and years. The tidy tables are validated (:mod:`pma_eval.schemas`), checked for
consistency, then written to a temporary folder that replaces ``data/processed`` only when
everything succeeded: a failed build leaves the previous processed data exactly as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import __version__
from .checksum import sha256
from .config import Paths, get_paths
from .coverage import coverage_table
from .errors import ConfigurationError, InputDataError, Problem, display_path
from .indicators import check_indicators, compute_indicators, load_catalogue
from .schemas import validate_table
from .sources.geo import read_commune_shapes
from .sources.odre import TECHNOLOGIES
from .sources import (
    read_communes,
    read_enedis_residential_epci,
    read_epci,
    read_igt_citepa,
    read_inventory,
    read_odre_registry,
    read_ore_consumption,
    read_population,
    read_targets,
)
from .sources.igt import ALWAYS_PRESENT
from .territory import PMA_CODE, Territory, worst_nature

#: Processed tables: name → key columns besides geo_level, geo_code, year.
TABLES = {
    "population": ["variable"],
    "emissions": ["sector"],
    "energy": ["sector", "carrier"],
    "renewables": ["technology", "variable"],
}
ORE_TO_PCAET = {"industrie": "industrie_hors_energie"}
#: Relative difference tolerated between a published EPCI total and the sum of its communes.
SUM_TOLERANCE_PUBLISHED = 0.01
#: Producers' files read at any extent (commune, département, France): rows outside the territory
#: are left out and counted, never an error.
NATIONAL_FORMATS = {"ore_conso", "odre_registre"}


@dataclass
class RawFile:
    path: Path
    meta: dict
    display: str

    @property
    def nature(self) -> str:
        return self.meta.get("nature", "observed")

    @property
    def label(self) -> str:
        return f"{self.meta.get('title', self.path.name)} ({self.path.name})"


@dataclass
class BuildReport:
    """What a build read and wrote (also saved as ``manifest.json``)."""

    inputs: list[dict] = field(default_factory=list)
    outputs: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    precedence: list[str] = field(default_factory=list)
    #: Per file: rows left out because outside the territory, rows that name no commune.
    extent: dict[str, dict] = field(default_factory=dict)


def discover(raw_dir: Path, root: Path) -> list[RawFile]:
    """Raw files described by a ``.meta.yml`` with a ``format`` key, sorted by path."""
    files, problems = [], []
    for meta_path in sorted(raw_dir.rglob("*.meta.yml")):
        data_path = meta_path.with_name(meta_path.name[: -len(".meta.yml")])
        shown = display_path(meta_path, root)
        try:
            meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(shown, "YAML illisible", line=(mark.line + 1) if mark else None))
            continue
        if not data_path.exists():
            problems.append(Problem(shown, f"fichier décrit introuvable : {data_path.name}"))
            continue
        if meta.get("nature", "observed") not in ("observed", "estimated", "demonstration"):
            problems.append(Problem(shown, "nature inconnue (observed, estimated ou demonstration)",
                                    column="nature", value=meta.get("nature")))
        if meta.get("format"):
            files.append(RawFile(data_path, meta, display_path(data_path, root)))
    for data_path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        if data_path.name.endswith(".meta.yml") or data_path.name.startswith(("README", ".")):
            continue
        if not data_path.with_name(data_path.name + ".meta.yml").exists():
            problems.append(Problem(display_path(data_path, root),
                                    "métadonnées absentes : créez le fichier "
                                    f"{data_path.name}.meta.yml (title, producer, licence, years, nature, format)"))
    if problems:
        raise InputDataError(problems)
    return files


def _read(f: RawFile, territory: Territory | None = None) -> pd.DataFrame:
    fmt, opts = f.meta["format"], f.meta.get("options") or {}
    communes = None if territory is None else set(territory.communes["code_insee"])
    readers = {
        "communes": lambda: read_communes(f.path, f.display),
        "epci": lambda: read_epci(f.path, f.display),
        "population": lambda: read_population(f.path, f.display),
        "igt_citepa": lambda: read_igt_citepa(f.path, year=int(opts["year"]), display=f.display),
        "ore_conso": lambda: read_ore_consumption(f.path, f.display, communes),
        "odre_registre": lambda: read_odre_registry(f.path, int(opts["snapshot_year"]), f.display, communes),
        "enedis_residentiel_epci": lambda: read_enedis_residential_epci(f.path, f.display),
        "inventaire": lambda: read_inventory(f.path, f.display),
        "objectifs": lambda: read_targets(f.path, f.display),
        "contours_communes": lambda: pd.DataFrame({"code_insee": sorted(read_commune_shapes(f.path, f.display))}),
    }
    if fmt.startswith("activite_"):
        return pd.DataFrame()  # read together by _read_activity (ids are checked across files)
    if fmt not in readers:
        raise InputDataError([Problem(f.display + ".meta.yml", f"format inconnu (formats connus : {', '.join(readers)})",
                                      column="format", value=fmt)])
    if fmt == "igt_citepa" and "year" not in opts or fmt == "odre_registre" and "snapshot_year" not in opts:
        raise InputDataError([Problem(f.display + ".meta.yml", "option obligatoire absente", column="options")])
    return readers[fmt]()


def _outside(df: pd.DataFrame, code_col: str, level_col: str | None, territory: Territory, f: RawFile,
             problems: list[Problem], label: str, report: BuildReport) -> pd.DataFrame:
    """Rows whose code is outside the Pôle: an error, unless the file is a producer's file read at
    any extent (:data:`NATIONAL_FORMATS`) or says ``extent: plus_large`` — then they are left out
    and counted in ``report.extent``."""
    communes = set(territory.communes["code_insee"])
    epcis = set(territory.epcis["epci_siren"])
    if level_col is None:
        inside = df[code_col].isin(communes)
    else:
        inside = np.where(df[level_col] == "epci", df[code_col].isin(epcis), df[code_col].isin(communes))
        inside = pd.Series(inside, index=df.index)
    if inside.all():
        return df
    if f.meta["format"] in NATIONAL_FORMATS or (f.meta.get("options") or {}).get("extent") == "plus_large":
        entry = report.extent.setdefault(f.display, {"hors_territoire": None, "sans_commune": None})
        before = entry["hors_territoire"] or {"rows": 0, "communes": 0}
        entry["hors_territoire"] = {"rows": before["rows"] + int((~inside).sum()),
                                    "communes": before["communes"] + int(df.loc[~inside, code_col].nunique())}
        return df.loc[inside]
    bad = df.loc[~inside]
    for _, row in bad.head(50).iterrows():
        problems.append(Problem(f.display, "code hors du territoire du Pôle (indiquez « extent: plus_large » dans "
                                "les options des métadonnées pour un fichier départemental ou national)",
                                line=int(row["line"]) if "line" in row and not pd.isna(row["line"]) else None,
                                column=label, value=row[code_col]))
    return df.loc[inside]


def apply_precedence(df: pd.DataFrame, scope: list[str], territory: Territory | None = None,
                     detail: str | None = None, nature_col: str = "file_nature") -> tuple[pd.DataFrame, list[str]]:
    """Drop demonstration rows wherever a real file covers the same geography, year and key.

    Coverage is decided per value, not per source: a real file covering three communes replaces
    the demonstration values of those three communes only.

    Parameters
    ----------
    scope : list of str
        Columns that a real row covers exactly (``geo_level, geo_code, year`` and, for energy,
        ``carrier``).
    detail : str, optional
        A finer column (``sector``). A real row covers its own detail value, or all of them
        where its ``cover`` column is ``"*"``: an Agence ORE file gives the whole consumption of
        an energy in a commune, so no demonstration slice of another sector is added on top.
        A ``cover_geo`` column holding an EPCI SIREN covers every commune of that EPCI (a
        registry snapshot lists every installation of the area it was downloaded for).
    territory : Territory, optional
        Real commune coverage also covers the EPCI and the Pôle that contain the commune: their
        demonstration values published at those levels are dropped, and those aggregates are
        recomputed from the communes (real where covered, demonstration elsewhere).
    nature_col : str
        Column holding the nature of the *file* each row comes from (a secret cell of a real
        file still proves that the real file covers that scope).

    Returns
    -------
    The filtered table and one French note per (level, year) where values were replaced.
    """
    col = nature_col if nature_col in df else "nature"
    demo = (df[col] == "demonstration").to_numpy()
    real = df.loc[~demo]
    if real.empty or demo.sum() == 0:
        return df, []
    cover = real[scope].astype({c: object for c in scope}).copy()
    if "cover_geo" in real:
        whole = real["cover_geo"].fillna("").ne("").to_numpy()
        cover.loc[whole, "geo_code"] = "epci:" + real.loc[whole, "cover_geo"].astype(str)
    if detail is not None:
        cover["_detail"] = real["cover"].where(real["cover"].eq("*"), real[detail]) if "cover" in real \
            else real[detail]
    cover = cover.drop_duplicates()
    if territory is not None and "geo_level" in scope:
        c2e = territory.commune_to_epci
        com = cover.loc[cover["geo_level"] == "commune"]
        epci = cover.loc[cover["geo_level"] == "epci"]
        def epci_of(code: str) -> str | None:
            return code[len("epci:"):] if code.startswith("epci:") else c2e.get(code)

        up = [com.assign(geo_level="epci", geo_code=com["geo_code"].map(epci_of)),
              com.assign(geo_level="pma", geo_code=PMA_CODE),
              epci.assign(geo_level="pma", geo_code=PMA_CODE)]
        cover = pd.concat([cover, *up], ignore_index=True).dropna(subset=["geo_code"]).drop_duplicates()
    d = df.loc[demo, scope].astype({c: object for c in scope})
    if detail is not None:
        d["_detail"] = df.loc[demo, detail].to_numpy()
    keys = list(d.columns)
    hit = np.zeros(len(d), dtype=bool)
    whole_epci = None
    if territory is not None and "geo_level" in scope:
        whole_epci = "epci:" + d["geo_code"].map(territory.commune_to_epci).fillna("").astype(str)
    for by_epci in ((False, True) if whole_epci is not None else (False,)):
        for any_detail in ((False, True) if detail is not None else (False,)):
            probe = d.copy()
            if by_epci:
                probe["geo_code"] = whole_epci.where(d["geo_level"] == "commune", "")
            if any_detail:
                probe["_detail"] = "*"
            m = probe.merge(cover.assign(_real=True), on=keys, how="left")["_real"]
            hit |= m.notna().to_numpy()
    drop = np.zeros(len(df), dtype=bool)
    drop[np.flatnonzero(demo)[hit]] = True
    replaced = df.loc[drop]
    by = [c for c in ("geo_level", "year") if c in scope]
    notes = [f"{lvl} {yr} : {len(g)} valeurs de démonstration remplacées par des données réelles"
             for (lvl, yr), g in replaced.groupby(by)] if by == ["geo_level", "year"] else \
            [f"{len(replaced)} valeurs de démonstration remplacées"] if len(replaced) else []
    return df.loc[~drop].reset_index(drop=True), notes


def _territory(files: list[RawFile]) -> Territory:
    communes = [f for f in files if f.meta["format"] == "communes"]
    if len(communes) != 1:
        raise ConfigurationError("il faut exactement un fichier de format « communes » dans data/raw "
                                 f"(trouvé : {len(communes)})")
    epci = [f for f in files if f.meta["format"] == "epci"]
    names = read_epci(epci[0].path, epci[0].display) if epci else None
    table = read_communes(communes[0].path, communes[0].display)
    if names is not None:
        # Every commune's EPCI must be one of the territory's, named where it is written.
        known = set(names["epci_siren"])
        bad = table.loc[~table["epci_siren"].isin(known)]
        if len(bad):
            raise InputDataError([Problem(communes[0].display, "EPCI inconnu du territoire (EPCI admis : "
                                          + ", ".join(f"{r.epci_siren} {r.epci_sigle}" for r in names.itertuples())
                                          + f", d'après {epci[0].display})", line=int(r.line), column="epci_siren",
                                          value=r.epci_siren) for r in bad.head(50).itertuples()])
    return Territory.from_communes(table, names)


def _population(frames: list[tuple[RawFile, pd.DataFrame]], territory: Territory) -> pd.DataFrame:
    out = []
    for f, df in frames:
        d = pd.DataFrame({"geo_code": df["code_insee"], "year": df["millesime"].astype(int),
                          "value": df["population_municipale"].astype(float),
                          "nature": f.nature, "source": f.path.name, "millesime_statut": df["millesime_statut"]})
        out.append(d)
    pop = pd.concat(out, ignore_index=True)
    # Missing millésimes inside the covered span: linear interpolation, flagged "estimated".
    wide = pop.pivot(index="geo_code", columns="year", values="value")
    span = list(range(int(wide.columns.min()), int(wide.columns.max()) + 1))
    filled = wide.reindex(columns=span).interpolate(axis=1, limit_area="inside")
    est = filled.stack().rename("value").reset_index()
    est = est.merge(pop[["geo_code", "year"]].assign(_have=True), on=["geo_code", "year"], how="left")
    est = est.loc[est["_have"].isna()].drop(columns="_have")
    est = est.assign(nature="estimated", source="interpolation linéaire entre millésimes voisins",
                     millesime_statut="interpolee")
    pop = pd.concat([pop, est], ignore_index=True)
    pop["variable"] = "population_municipale"
    agg = territory.aggregate(pop.drop(columns="millesime_statut"), ["year", "variable"])
    status = pop.groupby("year")["millesime_statut"].agg(lambda s: sorted(set(s))[0])
    agg["millesime_statut"] = agg["year"].map(status)
    agg["unit"] = "hab"
    return agg


def _check_population_cross(pop: pd.DataFrame, raw_dir: Path) -> list[str]:
    """Compare the aggregation with the collector's EPCI/PMA table when present."""
    ref_path = raw_dir / "population" / "pma_population_epci_pma.csv"
    if not ref_path.exists():
        return []
    ref = pd.read_csv(ref_path, dtype={"territoire_code": str})
    mine = pop.loc[pop["geo_level"] != "commune"].set_index(["geo_code", "year"])["value"]
    diffs = []
    for row in ref.itertuples():
        key = (row.territoire_code, int(row.millesime))
        if key in mine.index and abs(mine[key] - row.population_municipale) > 0.5:
            diffs.append(f"{row.territoire_sigle} {row.millesime} : {mine[key]:.0f} ≠ {row.population_municipale}")
    if diffs:
        raise InputDataError([Problem(display_path(ref_path), "somme des communes différente du total publié : " + d)
                              for d in diffs])
    return []


def build_tables(paths: Paths | None = None) -> tuple[dict[str, pd.DataFrame], BuildReport]:
    """Read and reconcile every raw file; return the processed tables (nothing is written)."""
    paths = paths or get_paths()
    report = BuildReport()
    files = discover(paths.raw, paths.root)
    territory = _territory(files)
    problems: list[Problem] = []
    read: dict[str, list[tuple[RawFile, pd.DataFrame]]] = {}
    for f in files:
        try:
            df = _read(f, territory)
        except InputDataError as exc:
            problems.extend(exc.problems)
            continue
        read.setdefault(f.meta["format"], []).append((f, df))
        if df.attrs.get("outside", {}).get("rows") or df.attrs.get("unplaced", {}).get("rows"):
            report.extent[f.display] = {"hors_territoire": df.attrs.get("outside"),
                                        "sans_commune": df.attrs.get("unplaced")}
        report.inputs.append({"path": display_path(f.path, paths.root), "sha256": sha256(f.path),
                              "format": f.meta["format"], "nature": f.nature, "rows": int(len(df)),
                              **{k: f.meta.get(k) for k in ("title", "producer", "licence", "years", "caveats")}})
        if f.meta.get("sha256") and f.meta["sha256"] != report.inputs[-1]["sha256"]:
            report.warnings.append(f"{f.display} : empreinte sha256 différente de celle des métadonnées "
                                   "(le fichier a changé depuis sa description)")
    # Territory membership of every geographic code.
    for fmt, code_col, level_col, label in (
            ("igt_citepa", "code_insee", None, "INSEE commune"),
            ("ore_conso", "geo_code", "geo_level", "code_commune / code_epci"),
            ("odre_registre", "code_insee", None, "codeINSEECommune"),
            ("population", "code_insee", None, "code_insee")):
        read[fmt] = [(f, _outside(df, code_col, level_col, territory, f, problems, label, report))
                     for f, df in read.get(fmt, [])]
    inv = []
    for f, df in read.get("inventaire", []):
        resolved = {}
        for terr in df["territoire"].unique():
            try:
                resolved[terr] = territory.resolve(terr)
            except ConfigurationError:
                resolved[terr] = (None, terr)
        df = df.assign(geo_level=df["territoire"].map(lambda t: resolved[t][0]),
                       geo_code=df["territoire"].map(lambda t: resolved[t][1]))
        for _, row in df.loc[df["geo_level"].isna()].head(50).iterrows():
            problems.append(Problem(f.display, "territoire inconnu du Pôle", line=int(row["line"]),
                                    column="territoire", value=row["territoire"]))
        inv.append((f, df.dropna(subset=["geo_level"])))
    if problems:
        raise InputDataError(problems)

    tables: dict[str, pd.DataFrame] = {}
    tables["population"] = _population(read.get("population", []), territory).assign(origin="aggregate")
    _check_population_cross(tables["population"], paths.raw)

    # --- emissions ------------------------------------------------------------------------------
    # The IGT gives every sector of a commune (cover "*"); the inventory template one sector a row.
    cols = ["geo_level", "geo_code", "year", "sector", "value", "nature", "file_nature", "source", "in_total",
            "complete", "cover"]
    parts = [df.rename(columns={"code_insee": "geo_code"})
             .assign(geo_level="commune", nature=f.nature, file_nature=f.nature, source=f.path.name,
                     complete=~df["gap"], cover="*")[cols]
             for f, df in read.get("igt_citepa", [])]
    parts += [df.loc[df["carrier"] == "ges"].assign(nature=f.nature, file_nature=f.nature, in_total=True,
                                                    complete=True, cover=lambda d: d["sector"])[cols]
              for f, df in inv]
    if parts:
        tables["emissions"] = _combine(pd.concat(parts, ignore_index=True), ["year", "sector", "in_total"],
                                       ["geo_level", "geo_code", "year"], territory, report, "émissions",
                                       gaps=_emission_gaps).assign(unit="tCO2e")

    # --- energy ---------------------------------------------------------------------------------
    # Where ORE covers a commune, year and energy, its sectors (unassigned included) are the whole
    # consumption of that energy: cover "*" drops every demonstration sector of that energy there.
    cols = ["geo_level", "geo_code", "year", "sector", "carrier", "value", "nature", "file_nature", "source",
            "complete", "cover"]
    parts = [df.assign(source=f.path.name, sector=df["sector"].replace(ORE_TO_PCAET), file_nature=f.nature,
                       complete=True, cover="*")
             .assign(nature=lambda d, n=f.nature: np.where(d["nature"] == "secret", "secret", n))[cols]
             for f, df in read.get("ore_conso", [])]
    parts += [df.loc[df["carrier"] != "ges"].assign(nature=f.nature, file_nature=f.nature, complete=True,
                                                    cover=lambda d: d["sector"])[cols] for f, df in inv]
    parts += [df.assign(geo_level="epci", geo_code=df["epci_siren"], sector="residentiel", carrier="electricite",
                        nature=f.nature, file_nature=f.nature, source=f.path.name, complete=True,
                        cover="residentiel")[cols]
              for f, df in read.get("enedis_residentiel_epci", [])]
    if parts:
        tables["energy"] = _combine(pd.concat(parts, ignore_index=True), ["year", "sector", "carrier"],
                                    ["geo_level", "geo_code", "year", "carrier"], territory, report, "énergie",
                                    member_gaps=_energy_member_gaps).assign(unit="MWh")

    # --- renewables -----------------------------------------------------------------------------
    # A registry snapshot lists every installation of the area it was downloaded for: it covers
    # every commune of each EPCI it has rows in (cover_geo), and a commune without a row there
    # has no installation.
    parts = []
    for f, df in read.get("odre_registre", []):
        g = df.groupby(["code_insee", "year", "technology"], as_index=False).agg(
            capacity=("capacity_kw", "sum"), installations=("installations", "sum"),
            production=("energy_mwh", lambda s: s.sum(min_count=1)))
        long = g.melt(id_vars=["code_insee", "year", "technology"], var_name="variable", value_name="value")
        parts.append(long.rename(columns={"code_insee": "geo_code"})
                     .assign(geo_level="commune", nature=f.nature, file_nature=f.nature, source=f.path.name,
                             complete=True, cover_geo=lambda d: d["geo_code"].map(territory.commune_to_epci)))
    if parts:
        agg = _combine(pd.concat(parts, ignore_index=True), ["year", "technology", "variable"],
                       ["geo_level", "geo_code", "year"], territory, report, "électricité renouvelable")
        agg["unit"] = agg["variable"].map({"capacity": "kW", "installations": "nombre", "production": "MWh"})
        agg["renewable"] = agg["technology"].map({t: r for t, r in TECHNOLOGIES.values()}).fillna(False).astype(bool)
        tables["renewables"] = agg

    for name, df in list(tables.items()):
        df["year"] = df["year"].astype(int)
        df["value"] = df["value"].astype(float)
        for c in ("geo_level", "geo_code", "unit", "nature", "source"):
            if c in df:
                df[c] = df[c].astype(str)
        tables[name] = validate_table(df.sort_values(["geo_level", "geo_code", "year", *TABLES[name]])
                                      .reset_index(drop=True), name, TABLES[name])
    check_consistency(tables, territory)
    tables["coverage"] = coverage_table(tables, territory)
    tables.update(_comparisons(read))
    catalogue = load_catalogue()
    activity = _read_activity(files, paths, territory, set(catalogue.indicators))
    tables.update(activity)
    indicators = compute_indicators(tables, catalogue)
    check_indicators(indicators, catalogue, territory)
    tables["indicators"] = indicators
    targets = [df.assign(source=f.path.name) for f, df in read.get("objectifs", [])]
    if targets:
        from .evaluation.targets import prepare_targets

        tables["targets"] = prepare_targets(pd.concat(targets, ignore_index=True))
    for f, df in read.get("contours_communes", []):
        unmapped, unused = territory.check_codes(df["code_insee"])
        if unused:
            raise InputDataError([Problem(f.display, f"{len(unused)} commune(s) du Pôle sans contour",
                                          value=", ".join(unused[:10]))])
        tables["_contours"] = f.path
    tables["territory"] = territory.communes.merge(territory.epcis[["epci_siren", "epci_nom"]], on="epci_siren")
    return tables, report


def _read_activity(files: list[RawFile], paths: Paths, territory: Territory, indicator_ids: set[str]) -> dict:
    """The activity records (events, participations, projects, strategy, actions), pseudonymised,
    with cross-file checks (unknown event or commitment ids), and their indicators."""
    from .activity import readers as ar
    from .activity.indicators import activity_indicators

    by = {f.meta["format"][len("activite_"):]: f for f in files if f.meta["format"].startswith("activite_")}
    if not by:
        return {}
    needed = {"evenements", "participations", "projets_labellises", "strategie", "actions"}
    if set(by) != needed:
        raise InputDataError([Problem("data/raw/activite", "registres d'activité incomplets : il manque "
                                      + ", ".join(sorted(needed - set(by))))])
    opt = {k: (f.meta.get("options") or {}).get("sheet", 0) for k, f in by.items()}
    problems: list[Problem] = []

    def attempt(fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except InputDataError as exc:
            problems.extend(exc.problems)
            return None

    events = attempt(ar.read_events, by["evenements"].path, by["evenements"].display, opt["evenements"])
    strategy = attempt(ar.read_strategy, by["strategie"].path, indicator_ids, by["strategie"].display, opt["strategie"])
    f = by["participations"]
    key = ar.pseudonymisation_key(paths.root, f.nature)
    parts = attempt(ar.read_participations, f.path, key, set(events["event_id"]) if events is not None else None,
                    f.display, opt["participations"])
    projects = attempt(ar.read_projects, by["projets_labellises"].path, by["projets_labellises"].display,
                       opt["projets_labellises"])
    actions = attempt(ar.read_actions, by["actions"].path,
                      set(strategy["commitment_id"]) if strategy is not None else None, by["actions"].display,
                      opt["actions"])
    if problems:
        raise InputDataError(problems)
    natures = {f.nature for f in by.values()}
    nature = "demonstration" if "demonstration" in natures else "observed"
    epci_codes = dict(zip(territory.epcis["epci_sigle"], territory.epcis["epci_siren"]))
    ind = activity_indicators(events, parts, projects, strategy, actions, nature, epci_codes)
    drop = ["line"]
    return {"activity_events": events.drop(columns=drop).assign(nature=nature),
            "activity_participations": parts.drop(columns=drop).assign(nature=nature),
            "activity_projects": projects.drop(columns=drop).assign(nature=nature),
            "activity_strategy": strategy.drop(columns=drop).assign(nature=nature),
            "activity_actions": actions.drop(columns=drop).assign(nature=nature),
            "activity_indicators": ind}


def _combine(df: pd.DataFrame, keys: list[str], scope: list[str], territory: Territory,
             report: BuildReport, label: str, gaps=None, member_gaps=None) -> pd.DataFrame:
    """Precedence, gaps, aggregation of communes, then values published at EPCI/Pôle level.

    1. Demonstration rows are dropped wherever a real file covers the same geography, year
       (and energy) — see :func:`apply_precedence`.
    2. ``gaps(communes, territory)`` may add rows for values that should exist and do not
       (``complete`` False, value unknown).
    3. Commune rows are summed to EPCI and Pôle (``origin = "aggregate"``); an aggregate is
       ``complete`` only when all its parts are, and ``member_gaps(communes, territory)``
       may name further (level, code, year…) aggregates that miss a commune.
    4. A value published at EPCI level (``origin = "given"``) replaces the aggregate of
       that EPCI; the Pôle is then recomputed from its EPCIs unless it is published too.
    """
    detail = "sector" if "sector" in keys else None
    df, notes = apply_precedence(df, scope, territory, detail)
    report.precedence += [f"{label} : {n}" for n in notes]
    df = df.drop(columns=[c for c in ("file_nature", "cover", "cover_geo") if c in df])
    communes = df.loc[df["geo_level"] == "commune"].drop(columns="geo_level")
    if gaps is not None:
        communes = gaps(communes, territory)
    agg = territory.aggregate(communes, keys).assign(origin="aggregate")
    if member_gaps is not None:
        missing = member_gaps(communes, territory)
        if not missing.empty:
            on = list(missing.columns)
            hit = agg[on].merge(missing.assign(_missing=True), on=on, how="left")["_missing"].notna().to_numpy()
            agg.loc[hit, "complete"] = False
    given = df.loc[df["geo_level"] != "commune"].assign(origin="given")
    if given.empty:
        return agg
    k = ["geo_level", "geo_code", *keys]
    for level in ("epci", "pma"):
        g = given.loc[given["geo_level"] == level]
        if g.empty:
            continue
        g_idx = pd.MultiIndex.from_frame(g[k])
        a_idx = pd.MultiIndex.from_frame(agg[k])
        hit = a_idx.isin(g_idx)
        before = agg.loc[hit].set_index(k)["value"]
        after = g.set_index(k)["value"]
        common = before.dropna().index.intersection(after.dropna().index)
        gap = ((before[common] - after[common]).abs() / after[common].abs().clip(lower=1e-9))
        for key in gap.index[gap > SUM_TOLERANCE_PUBLISHED][:5]:
            report.warnings.append(f"{label} : valeur publiée pour {key} différente de la somme des communes "
                                   f"({before[key]:.0f} contre {after[key]:.0f}) ; la valeur publiée est retenue")
        agg = pd.concat([agg.loc[~hit], g], ignore_index=True)
        if level == "epci":
            # The Pôle of every key touched at EPCI level is recomputed from the three EPCIs.
            touched = g[keys].drop_duplicates()
            epcis = agg.loc[agg["geo_level"] == "epci"].merge(touched, on=keys)
            pma = territory.sum_epcis_to_pma(epcis, keys).assign(origin="aggregate")
            p_idx = pd.MultiIndex.from_frame(agg[k])
            agg = pd.concat([agg.loc[~p_idx.isin(pd.MultiIndex.from_frame(pma[k]))], pma], ignore_index=True)
    agg["complete"] = agg["complete"].fillna(True).astype(bool)
    return agg


def _emission_gaps(communes: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """Add a gap row (value unknown, ``complete`` False) for every commune and year with
    emissions that lacks a sector every inhabited commune has (:data:`ALWAYS_PRESENT`).

    The rule, written once (also in the reports' annex): an empty or absent road-transport,
    residential or tertiary value is a gap, never zero; the commune's total, and the totals of
    its EPCI and of the Pôle, are then flagged incomplete. An empty value of another sector is
    the absence of the activity (see :mod:`pma_eval.sources.igt`).
    """
    if communes.empty:
        return communes
    years = sorted(communes["year"].unique())
    full = pd.MultiIndex.from_product([territory.communes["code_insee"], years, ALWAYS_PRESENT],
                                      names=["geo_code", "year", "sector"])
    missing = full.difference(pd.MultiIndex.from_frame(communes[["geo_code", "year", "sector"]]))
    if len(missing) == 0:
        return communes
    year_nature = communes.groupby("year")["nature"].agg(worst_nature)
    gaps = missing.to_frame(index=False)
    gaps = gaps.assign(value=np.nan, nature=gaps["year"].map(year_nature), source="absent des sources",
                       in_total=True, complete=False)
    return pd.concat([communes, gaps[communes.columns]], ignore_index=True)


def _energy_member_gaps(communes: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """(geo_level, geo_code, year, carrier) aggregates that miss one of their communes.

    Electricity reaches every commune: a commune without any electricity value in a year that
    has electricity data is a gap. Another energy (gas, heat…) is expected in a commune that
    has it in at least one year; a commune that never has it is taken to have no network. A
    sector absent for a commune that has the energy is no consumption in that sector.
    """
    present = communes[["geo_code", "year", "carrier"]].drop_duplicates()
    frames = []
    for carrier, g in present.groupby("carrier"):
        expected = (territory.communes["code_insee"] if carrier == "electricite" else g["geo_code"]).unique()
        full = pd.MultiIndex.from_product([expected, g["year"].unique(), [carrier]],
                                          names=["geo_code", "year", "carrier"])
        frames.append(full.difference(pd.MultiIndex.from_frame(g)).to_frame(index=False))
    missing = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if missing.empty:
        return pd.DataFrame(columns=["geo_level", "geo_code", "year", "carrier"])
    epci = missing.assign(geo_level="epci", geo_code=missing["geo_code"].map(territory.commune_to_epci))
    pma = missing.assign(geo_level="pma", geo_code=PMA_CODE)
    return pd.concat([epci, pma], ignore_index=True)[["geo_level", "geo_code", "year", "carrier"]].drop_duplicates()


def _comparisons(read: dict) -> dict[str, pd.DataFrame]:
    """Département, region and France sums kept from the producers' files, for comparisons.

    Taken from observed files only (a demonstration file covers the Pôle, not its
    département); each value carries the file it comes from.
    """
    out = {}
    for fmt, name in (("ore_conso", "energy_comparisons"), ("odre_registre", "renewables_comparisons")):
        frames = [df.attrs["aggregates"].assign(source=f.path.name) for f, df in read.get(fmt, [])
                  if f.nature != "demonstration" and df.attrs.get("aggregates") is not None]
        if frames:
            out[name] = pd.concat(frames, ignore_index=True)
    if "energy_comparisons" in out:
        out["energy_comparisons"]["sector"] = out["energy_comparisons"]["sector"].replace(ORE_TO_PCAET)
    return out


def check_consistency(tables: dict[str, pd.DataFrame], territory: Territory, rel_tol: float = 1e-6) -> None:
    """Communes sum to their EPCI and EPCIs to the Pôle, for every key (where not overridden)."""
    problems = []
    c2e = territory.commune_to_epci
    for name, df in tables.items():
        keys = ["year", *TABLES[name]]
        com = df.loc[df["geo_level"] == "commune"].assign(epci=lambda d: d["geo_code"].map(c2e))
        by_epci = com.groupby(["epci", *keys])["value"].sum(min_count=1)
        epci = df.loc[df["geo_level"] == "epci"].set_index(["geo_code", *keys])
        ev = epci.loc[epci["origin"] == "aggregate", "value"] if "origin" in epci else epci["value"]
        joined = pd.concat([by_epci.rename("communes"), ev.rename("epci")], axis=1, join="inner").dropna()
        bad = (joined["communes"] - joined["epci"]).abs() > rel_tol * joined["epci"].abs().clip(lower=1)
        for key in joined.index[bad][:10]:
            problems.append(Problem(f"table produite « {name} »", "la somme des communes diffère du total de l'EPCI",
                                    value=f"{key} : {joined.at[key, 'communes']:.3f} ≠ {joined.at[key, 'epci']:.3f}"))
        by_pma = epci.groupby(keys)["value"].sum(min_count=1)
        pma = df.loc[df["geo_level"] == "pma"]
        pma = pma.loc[pma["origin"] == "aggregate"] if "origin" in pma else pma
        pma = pma.set_index(keys)["value"]
        j2 = pd.concat([by_pma.rename("epci"), pma.rename("pma")], axis=1, join="inner").dropna()
        bad2 = (j2["epci"] - j2["pma"]).abs() > rel_tol * j2["pma"].abs().clip(lower=1)
        for key in j2.index[bad2][:10]:
            problems.append(Problem(f"table produite « {name} »", "la somme des EPCI diffère du total du Pôle",
                                    value=f"{key} : {j2.at[key, 'epci']:.3f} ≠ {j2.at[key, 'pma']:.3f}"))
    if problems:
        raise InputDataError(problems)


def write_processed(tables: dict[str, pd.DataFrame], report: BuildReport, processed: Path) -> Path:
    """Write the tables and the manifest atomically: all or nothing."""
    processed = Path(processed)
    parent = processed.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".processed-", dir=parent))
    old = None
    try:
        (tmp / ".gitkeep").write_bytes(b"")
        contours = tables.pop("_contours", None)
        if contours is not None:
            shutil.copyfile(contours, tmp / "communes.geojson")
            report.outputs["contours"] = {"file": "communes.geojson", "rows": 0, "sha256": sha256(tmp / "communes.geojson")}
        for name, df in tables.items():
            out = tmp / f"{name}.parquet"
            df.to_parquet(out, index=False)
            report.outputs[name] = {"file": out.name, "rows": int(len(df)), "sha256": sha256(out)}
        manifest = {"pma_eval_version": __version__, "inputs": report.inputs, "outputs": report.outputs,
                    "precedence": report.precedence, "warnings": report.warnings, "extent": report.extent}
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if processed.exists():
            old = parent / f".processed-old-{os.getpid()}"
            os.rename(processed, old)
        os.rename(tmp, processed)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not processed.exists():
            os.rename(old, processed)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return processed / "manifest.json"


def build(paths: Paths | None = None) -> tuple[Path, BuildReport]:
    """Build ``data/processed`` from ``data/raw`` (read, validate, check, write atomically)."""
    paths = paths or get_paths()
    tables, report = build_tables(paths)
    return write_processed(tables, report, paths.processed), report


def load(name: str, paths: Paths | None = None) -> pd.DataFrame:
    """Read one processed table (``population``, ``emissions``, ``energy``, ``renewables``, ``territory``)."""
    paths = paths or get_paths()
    f = paths.processed / f"{name}.parquet"
    if not f.exists():
        raise ConfigurationError(f"table « {name} » absente de {paths.processed} : lancez d'abord "
                                 "« pma-eval data build » (ou « make data »)")
    return pd.read_parquet(f)


def load_territory(paths: Paths | None = None) -> Territory:
    t = load("territory", paths)
    return Territory.from_communes(t, t[["epci_siren", "epci_nom"]].drop_duplicates())


def load_shapes(paths: Paths | None = None) -> dict:
    """Commune polygons copied by the build (INSEE code → rings)."""
    paths = paths or get_paths()
    f = paths.processed / "communes.geojson"
    if not f.exists():
        raise ConfigurationError("contours des communes absents : lancez « pma-eval data build »")
    return read_commune_shapes(f)


def manifest(paths: Paths | None = None) -> dict:
    paths = paths or get_paths()
    return json.loads((paths.processed / "manifest.json").read_text(encoding="utf-8"))
