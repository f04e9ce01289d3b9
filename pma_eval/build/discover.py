"""Discover the raw files and read each with the reader of its published format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import ConfigurationError, InputDataError, Problem, display_path
from ..sources import (
    read_communes,
    read_enedis_residential_epci,
    read_epci,
    read_igt_citepa,
    read_inventory,
    read_odre_registry,
    read_ore_consumption,
    read_population,
    read_region_communes,
    read_targets,
)
from ..sources.geo import read_commune_shapes
from ..sources.heat import read_biomethane_register, read_heat_production
from ..sources.heat_networks import read_heat_networks
from ..sources.levels import (read_enedis_consumption_departement, read_enedis_production_departement,
                              read_odre_capacity_region, read_odre_gross_consumption, read_odre_renewables_region)
from ..sources.prices import read_prices
from ..sources.sequestration import read_aldo
from ..sources.weather import read_daily_temperature, read_degree_days, read_thermosensitive_shares
from ..sources._table import normalise_name
from ..sources.prospective import read_ademe_parameters_table, read_sgpe_levers, read_tet_trajectory, read_unit_costs
from ..territory import Territory
from ..yamltext import safe_load
from .common import NATIONAL_FORMATS, BuildReport, RawFile


def discover(raw_dir: Path, root: Path) -> list[RawFile]:
    """Raw files described by a ``.meta.yml`` with a ``format`` key, sorted by path."""
    files, problems = [], []
    for meta_path in sorted(raw_dir.rglob("*.meta.yml")):
        data_path = meta_path.with_name(meta_path.name[: -len(".meta.yml")])
        shown = display_path(meta_path, root)
        try:
            meta = safe_load(meta_path.read_text(encoding="utf-8")) or {}
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
    files = _drop_replaced(files, problems, root)
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



def _drop_replaced(files: list[RawFile], problems: list[Problem], root: Path) -> list[RawFile]:
    """Files named by another file's ``replaces:`` (a newer vintage of the same data, in the same
    folder) are kept in data/raw, untouched, but no longer read."""
    replaced = set()
    for f in files:
        names = f.meta.get("replaces") or []
        for name in [names] if isinstance(names, str) else names:
            old = f.path.with_name(str(name))
            if not old.exists():
                problems.append(Problem(display_path(f.path, root) + ".meta.yml",
                                        "le fichier remplacé (replaces) est introuvable dans le même dossier",
                                        column="replaces", value=str(name)))
            replaced.add(old)
    return [f for f in files if f.path not in replaced]


def read_raw(f: RawFile, territory: Territory | None = None) -> pd.DataFrame:
    fmt, opts = f.meta["format"], f.meta.get("options") or {}
    communes = None if territory is None else set(territory.communes["code_insee"])
    readers = {
        "communes": lambda: read_communes(f.path, f.display),
        "epci": lambda: read_epci(f.path, f.display),
        "population": lambda: read_population(f.path, f.display),
        "igt_citepa": lambda: read_igt_citepa(f.path, year=int(opts["year"]), display=f.display),
        # the region's inventory and communes, for comparisons only (never summed into the Pôle)
        "igt_citepa_region": lambda: read_igt_citepa(f.path, year=int(opts["year"]), display=f.display),
        "communes_region": lambda: read_region_communes(f.path, f.display),
        "ore_conso": lambda: read_ore_consumption(f.path, f.display, communes),
        "odre_registre": lambda: read_odre_registry(f.path, int(opts["snapshot_year"]), f.display, communes),
        "enedis_residentiel_epci": lambda: read_enedis_residential_epci(f.path, f.display),
        "inventaire": lambda: read_inventory(f.path, f.display),
        "objectifs": lambda: read_targets(f.path, f.display),
        "tet_trajectoire": lambda: read_tet_trajectory(f.path, f.display),
        "ademe_parametres": lambda: read_ademe_parameters_table(f.path, f.display),
        "sgpe_leviers": lambda: read_sgpe_levers(f.path, f.display),
        "couts_unitaires": lambda: read_unit_costs(f.path, f.display),
        "sequestration_aldo": lambda: read_aldo(f.path, f.display),
        "production_enr_chaleur_gaz": lambda: read_heat_production(f.path, f.display),
        "dju_annuels": lambda: read_degree_days(f.path, f.display),
        "temperature_quotidienne": lambda: read_daily_temperature(f.path, f.display),
        "parts_thermosensibles": lambda: read_thermosensitive_shares(f.path, f.display),
        "prix_energie": lambda: read_prices(f.path, f.display),
        "odre_biomethane": lambda: read_biomethane_register(
            f.path, f.display, None if territory is None else
            {normalise_name(n): c for c, n in zip(territory.communes["code_insee"], territory.communes["nom"])}),
        "sdes_iris_chaleur": lambda: read_heat_networks(f.path, f.display, communes),
        # comparison levels for energy and renewables (département, region, France), never summed into the territory
        "enedis_conso_departement": lambda: read_enedis_consumption_departement(f.path, f.display),
        "enedis_prod_departement": lambda: read_enedis_production_departement(f.path, f.display),
        "odre_enr_region": lambda: read_odre_renewables_region(f.path, f.display),
        "odre_parc_region": lambda: read_odre_capacity_region(f.path, f.display),
        "odre_conso_brute": lambda: read_odre_gross_consumption(f.path, f.display),
        "contours_communes": lambda: pd.DataFrame({"code_insee": sorted(read_commune_shapes(f.path, f.display))}),
    }
    if fmt.startswith("activite_"):
        return pd.DataFrame()  # read together by steps.activity (ids are checked across files)
    if fmt not in readers:
        raise InputDataError([Problem(f.display + ".meta.yml", f"format inconnu (formats connus : {', '.join(readers)})",
                                      column="format", value=fmt)])
    if fmt in ("igt_citepa", "igt_citepa_region") and "year" not in opts or fmt == "odre_registre" and "snapshot_year" not in opts:
        raise InputDataError([Problem(f.display + ".meta.yml", "option obligatoire absente", column="options")])
    return readers[fmt]()



def territory_of(files: list[RawFile]) -> Territory:
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



def outside(df: pd.DataFrame, code_col: str, level_col: str | None, territory: Territory, f: RawFile,
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
        # Lines of the file (a long frame such as the IGT's has several rows per line).
        rows = int(df.loc[~inside, "line"].nunique()) if "line" in df else int((~inside).sum())
        entry["hors_territoire"] = {"rows": before["rows"] + rows,
                                    "communes": before["communes"] + int(df.loc[~inside, code_col].nunique())}
        return df.loc[inside]
    bad = df.loc[~inside]
    for _, row in bad.head(50).iterrows():
        problems.append(Problem(f.display, "code hors du territoire du Pôle (indiquez « extent: plus_large » dans "
                                "les options des métadonnées pour un fichier départemental ou national)",
                                line=int(row["line"]) if "line" in row and not pd.isna(row["line"]) else None,
                                column=label, value=row[code_col]))
    return df.loc[inside]

