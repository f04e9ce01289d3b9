"""The build pipeline: discover and read, check the codes, run one step per table, check the
results, then write everything atomically."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..checksum import sha256
from ..config import Paths, get_paths
from ..coverage import coverage_table
from ..errors import InputDataError, Problem, display_path
from ..indicators import check_indicators, compute_indicators, load_catalogue, plausibility_flags
from ..schemas import validate_table
from ..territory import Territory
from . import steps
from ..sources.registry import resolve_territories
from .common import SIGNED_TABLES, REFERENCE_TABLES, TABLES, BuildReport, RawFile, hand_kept
from .discover import Scope, discover, outside, read_raw, scope_of, territory_of
from .readcache import ReadCache
from .reconcile import check_consistency
from .write import inputs_fingerprint, is_current, write_processed


def _region_inventory(read: dict, territory: Territory, report: BuildReport) -> None:
    """A territory without an inventory file of its own (format ``igt_citepa``) takes the rows of its communes
    in the region's inventory (``igt_citepa_region``: the same CITEPA file, whose rows for the Pôle's communes
    are the Pôle's extract), as observed values. Nothing changes for a territory that has its own file."""
    if read.get("igt_citepa") or not read.get("igt_citepa_region"):
        return
    communes = set(territory.communes["code_insee"])
    own = []
    for f, df in read["igt_citepa_region"]:
        inside = df["code_insee"].isin(communes)
        if inside.any():
            own.append((RawFile(f.path, {**f.meta, "format": "igt_citepa"}, f.display), df.loc[inside]))
            report.notes.append(f"{f.display} : émissions observées des {df.loc[inside, 'code_insee'].nunique()} "
                                f"communes du territoire ({territory.whole.name}), sans fichier d'inventaire propre")
    if own:
        read["igt_citepa"] = own


def _read_all(files: list[RawFile], territory: Territory, paths: Paths, report: BuildReport
              ) -> tuple[dict[str, list[tuple[RawFile, pd.DataFrame]]], list]:
    """Read every raw file (all problems collected), check the territory codes, resolve the
    inventory's territories. Returns what was read by format, and the inventory rows."""
    problems: list[Problem] = []
    read: dict[str, list[tuple[RawFile, pd.DataFrame]]] = {}
    cache = ReadCache(paths, territory)
    for f in files:
        digest = sha256(f.path)
        try:
            df = cache.read(digest, f, lambda: read_raw(f, territory))
        except InputDataError as exc:
            problems.extend(exc.problems)
            continue
        read.setdefault(f.meta["format"], []).append((f, df))
        if df.attrs.get("outside", {}).get("rows") or df.attrs.get("unplaced", {}).get("rows"):
            report.extent[f.display] = {"hors_territoire": df.attrs.get("outside"),
                                        "sans_commune": df.attrs.get("unplaced")}
        report.inputs.append({"path": display_path(f.path, paths.root), "sha256": digest,
                              "format": f.meta["format"], "nature": f.nature, "rows": int(len(df)),
                              **{k: f.meta.get(k) for k in ("title", "producer", "licence", "years", "caveats")}})
        changed = f.meta.get("sha256") and f.meta["sha256"] != report.inputs[-1]["sha256"]
        if changed and hand_kept(f.meta["format"]):
            report.warnings.append(f"{f.display} : modifié depuis sa description (empreinte sha256 différente de "
                                   "celle des métadonnées) ; mettez à jour sha256 et years dans ses métadonnées")
        elif changed:
            # a producer's file changed since it was described: its metadata (years, extent, origin) may be untrue
            problems.append(Problem(
                f.display, "le fichier a changé depuis sa description : empreinte sha256 différente de celle de "
                f"ses métadonnées ({f.meta['sha256']} dans {f.path.name}.meta.yml, {report.inputs[-1]['sha256']} "
                "pour le fichier). Restaurez le fichier publié, ou, si le changement est voulu, ajoutez-le comme "
                "un nouveau fichier (pma-eval data add) ou corrigez sha256 dans ses métadonnées",
                column="sha256", value=report.inputs[-1]["sha256"]))
    _region_inventory(read, territory, report)
    # Territory membership of every geographic code.
    for fmt, code_col, level_col, label in (
            ("igt_citepa", "code_insee", None, "INSEE commune"),
            ("ore_conso", "geo_code", "geo_level", "code_commune / code_epci"),
            ("odre_registre", "code_insee", None, "codeINSEECommune"),
            ("population", "code_insee", None, "code_insee")):
        read[fmt] = [(f, outside(df, code_col, level_col, territory, f, problems, label, report))
                     for f, df in read.get(fmt, [])]
    # Templates name their territory (INSEE code, EPCI SIREN or acronym, PMA): resolved to level and code.
    all_levels = ("commune", "epci", "pma")
    inventory = [(f, resolve_territories(f, df, territory, problems, all_levels)) for f, df in read.get("inventaire", [])]
    read["sequestration_aldo"] = [(f, resolve_territories(f, df, territory, problems, ("epci", "pma")))
                                  for f, df in read.get("sequestration_aldo", [])]
    read["production_enr_chaleur_gaz"] = [(f, resolve_territories(f, df, territory, problems, all_levels))
                                          for f, df in read.get("production_enr_chaleur_gaz", [])]
    if problems:
        raise InputDataError(problems)
    cache.prune()
    return read, inventory


def _sanity_checks(tables: dict[str, pd.DataFrame], territory: Territory) -> dict[str, pd.DataFrame]:
    """Types, schemas (pandera) and communes = EPCI = Pôle, at the end of the steps."""
    for name, df in list(tables.items()):
        df["year"] = df["year"].astype(int)
        df["value"] = df["value"].astype(float)
        for c in ("geo_level", "geo_code", "unit", "nature", "source"):
            if c in df:
                df[c] = df[c].astype(str)
        tables[name] = validate_table(df.sort_values(["geo_level", "geo_code", "year", *TABLES[name]])
                                      .reset_index(drop=True), name, TABLES[name],
                                      allow_negative=name in SIGNED_TABLES, whole_code=territory.code)
    check_consistency(tables, territory)
    return tables


def _flag_implausible(indicators: pd.DataFrame, catalogue, report: BuildReport) -> None:
    """Keep values outside the catalogue's plausible range, list them all in the manifest and say so once."""
    from .. import fmt

    flags = plausibility_flags(indicators, catalogue)
    if flags.empty:
        return
    report.plausibility = [{**r, "year": int(r["year"]), "value": float(r["value"])}
                           for r in flags.astype(object).where(flags.notna(), None).to_dict("records")]
    r = flags.iloc[0]
    bound = {k: "…" if pd.isna(r[k]) else fmt.number_trimmed(r[k]) for k in ("low", "high")}
    s = "s" if len(flags) > 1 else ""
    report.warnings.append(
        f"{fmt.count(len(flags), 'valeur')} hors de la plage plausible du catalogue, gardée{s} et signalée{s} "
        f"(par exemple {r['indicator_id']}, {r['geo_level']} {r['geo_code']}, {int(r['year'])} : "
        f"{fmt.number_trimmed(r['value'])} {catalogue[r['indicator_id']].short_unit}, plage de {bound['low']} à "
        f"{bound['high']}) ; liste complète dans data/processed/manifest.json (« plausibility »)")


def build_tables(paths: Paths | None = None) -> tuple[dict[str, pd.DataFrame], BuildReport]:
    """Read and reconcile every raw file; return the processed tables (nothing is written)."""
    paths = paths or get_paths()
    report = BuildReport()
    scope = scope_of(paths)
    files = discover(paths.raw, paths.root, scope)
    territory = territory_of(files, scope)
    read, inventory = _read_all(files, territory, paths, report)

    tables: dict[str, pd.DataFrame] = {}
    tables["population"] = steps.population(read.get("population", []), territory).assign(origin="aggregate")
    steps.check_population_cross(tables["population"], paths.raw, scope)
    for name, table in (("emissions", steps.emissions(read, inventory, territory, report)),
                        ("energy", steps.energy(read, inventory, territory, report)),
                        ("renewables", steps.renewables(read, territory, report)),
                        ("air", steps.air(inventory, territory, report)),
                        ("renewables_heat", steps.renewables_heat(read, territory, report))):
        if table is not None:
            tables[name] = table
    emission_years = sorted(set(tables["emissions"]["year"])) if "emissions" in tables else []
    for name, table in (("sequestration", steps.sequestration(read, territory, emission_years)),):
        if table is not None:
            tables[name] = table
    tables.update(steps.climate(read, tables.get("energy"), territory, report))
    for name, table in (("delivery_points", steps.delivery_points(read, territory, report)),
                        ("energy_bill", steps.energy_bill(read, tables.get("energy")))):
        if table is not None:
            tables[name] = table
    tables = _sanity_checks(tables, territory)

    tables["coverage"] = coverage_table(tables, territory)
    tables.update(steps.comparisons(read))
    tables.update(steps.region_comparisons(read, territory))
    tables.update(steps.energy_levels(read))
    catalogue = load_catalogue()
    tables.update(steps.activity(files, paths, territory, set(catalogue.indicators)))
    indicators = compute_indicators(tables, catalogue)
    check_indicators(indicators, catalogue, territory)
    _flag_implausible(indicators, catalogue, report)
    tables["indicators"] = indicators
    targets = [df.assign(source=f.path.name) for f, df in read.get("objectifs", [])]
    if targets:
        from ..evaluation.targets import prepare_targets

        tables["targets"] = prepare_targets(pd.concat(targets, ignore_index=True))
    for f, df in read.get("contours_communes", []):
        unmapped, unused = territory.check_codes(df["code_insee"])
        if unused:
            raise InputDataError([Problem(f.display, f"{len(unused)} commune(s) {territory.whole.name_of} sans contour",
                                          value=", ".join(unused[:10]))])
        tables["_contours"] = f.path
    # The foresight's reference tables enter through the build: validated by their readers, listed
    # in the processed manifest (so that verify can explain a change they cause).
    for fmt, name in REFERENCE_TABLES.items():
        for f, df in read.get(fmt, []):
            tables[name] = df.assign(source=f.path.name)
    tables["territory"] = territory.communes.merge(territory.epcis[["epci_siren", "epci_nom"]], on="epci_siren")
    return tables, report


def build(paths: Paths | None = None) -> tuple[Path, BuildReport]:
    """Build ``data/processed`` from ``data/raw`` (read, validate, check, write atomically)."""
    paths = paths or get_paths()
    fingerprint = inputs_fingerprint(paths.raw, paths.root)  # before reading: a file changed meanwhile rebuilds next time
    tables, report = build_tables(paths)
    return write_processed(tables, report, paths.processed, fingerprint), report


def build_if_needed(paths: Paths | None = None) -> tuple[Path, BuildReport | None]:
    """:func:`build`, unless ``data/processed`` was built from the same raw files by the same code:
    then nothing is read or written and the report is ``None``."""
    paths = paths or get_paths()
    if is_current(paths.raw, paths.processed, paths.root):
        return paths.processed / "manifest.json", None
    return build(paths)
