"""ODRÉ — "registre national des installations de production et de stockage d'électricité".

Published as yearly snapshots "au 31/12/AAAA" (datasets
``registre-national-installation-production-stockage-electricite-agrege-3112YY``): a yearly
series of installed capacity comes from successive snapshots, not from commissioning dates.

Layout (``shared/FORMATS.md``): field names are lower case in the API and in today's exports
(``nominstallation, codeinseecommune, codeepci, codedepartement, coderegion, filiere,
technologie, puismaxinstallee, nbinstallations, energieannuelleglissanteinjectee,
energieannuelleglissanteproduite, datemiseenservice``…), camelCase in older downloads; both are
read. **Units**: ``puismaxinstallee`` in kW, ``energieannuelleglissante*`` in **kWh** over a
rolling year (a 40 kW run-of-river plant shows 173 003), converted here to MWh.

Installations under 36 kW come as rows named "Agrégation des installations de moins de 36KW"
with ``nbinstallations``; some of them, and the "Confidentiel" rows, have no commune code
(only a département and a region): they cannot be placed in a commune and are counted apart,
by département (``attrs["unplaced"]``). Communes outside the territory are left out and
counted (``attrs["outside"]``); sums by département, region and France are kept for
comparisons (``attrs["aggregates"]``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._table import LINE, Parser, lookup, normalise_name, read_any

#: ODRÉ ``filiere`` → canonical technology, and whether it is renewable.
TECHNOLOGIES = {
    "solaire": ("solaire_pv", True),
    "eolien": ("eolien", True),
    "hydraulique": ("hydraulique", True),
    "bioenergies": ("bioenergies", True),
    "energiesmarines": ("energies_marines", True),
    "geothermie": ("geothermie", True),
    "thermiquenonrenouvelable": ("thermique_non_renouvelable", False),
    "stockagenonhydraulique": ("stockage", False),
    "nucleaire": ("nucleaire", False),
    "autre": ("autre", False),
}
#: Published unit of the rolling-year energy fields, and the factor to MWh.
ENERGY_UNIT = "kWh"
KWH_TO_MWH = 1e-3



def read_odre_registry(path: str | Path, snapshot_year: int, display: str | None = None,
                       communes: set[str] | None = None) -> pd.DataFrame:
    """Read one yearly snapshot of the ODRÉ registry.

    Parameters
    ----------
    snapshot_year : int
        Year of the snapshot (the registry "au 31/12/AAAA").
    communes : set of str, optional
        INSEE codes to keep (the territory); ``None`` keeps every commune.

    Returns
    -------
    DataFrame
        ``code_insee, year, technology, renewable, capacity_kw`` [kW], ``installations``
        [count], ``energy_mwh`` [MWh, rolling year, converted from the published kWh; NaN when
        not given], ``small_aggregate`` (True for the "< 36 kW" aggregated rows), ``line``.
        ``attrs``: ``unplaced`` (rows without a commune: ``rows``, ``capacity_kw``,
        ``by_departement``), ``outside`` (``rows``, ``communes``), ``aggregates`` (sums by
        département, region and France of every placed or unplaced row).
    """
    name = display or str(path)
    p = Parser(read_any(path, display, fast=True), name)
    cols = p.columns(
        {"code_insee": ("codeINSEECommune",), "filiere": (), "puismaxinstallee": ("puisMaxInstallee",)},
        {"nbinstallations": ("nbInstallations",),
         "energie": ("energieAnnuelleGlissanteInjectee", "energieannuelleglissanteproduite"),
         "technologie": (), "nom": ("nomInstallation",), "code_epci": ("codeEPCI",),
         "code_departement": ("codedepartement", "codeDepartement"), "code_region": ("coderegion", "codeRegion")},
    )
    aggregates = _aggregates(p.df, cols, int(snapshot_year))
    codes_all = p.df[cols["code_insee"]].astype(str).str.strip().str.replace(r"\.0$", "", regex=True).str.upper()
    unplaced_rows = codes_all.eq("")
    cap_all = pd.to_numeric(p.df[cols["puismaxinstallee"]].astype(str).str.replace(",", ".", regex=False),
                            errors="coerce")
    dep = (p.df[cols["code_departement"]].astype(str).str.strip() if "code_departement" in cols
           else pd.Series("", index=p.df.index))
    by_dep = (pd.DataFrame({"dep": dep[unplaced_rows].replace("", "inconnu"), "kw": cap_all[unplaced_rows]})
              .groupby("dep")["kw"].agg(["size", "sum"]))
    unplaced = {"rows": int(unplaced_rows.sum()), "capacity_kw": float(cap_all[unplaced_rows].sum()),
                "by_departement": {str(k): {"rows": int(v["size"]), "capacity_kw": float(v["sum"])}
                                   for k, v in by_dep.iterrows()}}
    outside = {"rows": 0, "communes": 0}
    keep = ~unplaced_rows
    if communes is not None:
        inside = codes_all.isin(communes)
        outside = {"rows": int((keep & ~inside).sum()), "communes": int(codes_all[keep & ~inside].nunique())}
        keep &= inside
    p.df = p.df.loc[keep].copy()

    code = p.code(cols["code_insee"], "insee", required=False)
    raw_f = p.df[cols["filiere"]].astype(str)
    tech = lookup(raw_f, TECHNOLOGIES)
    if tech.isna().any():
        p.problem("filière inconnue", tech.index[tech.isna()], cols["filiere"], raw_f)
    capacity = p.number(cols["puismaxinstallee"], required=True)
    count = (p.number(cols["nbinstallations"]) if "nbinstallations" in cols
             else pd.Series(1.0, index=p.df.index)).fillna(1.0)
    energy = (p.number(cols["energie"]) * KWH_TO_MWH if "energie" in cols
              else pd.Series(np.nan, index=p.df.index))
    label = p.df[cols["nom"]].astype(str) if "nom" in cols else pd.Series("", index=p.df.index)
    p.raise_if_any()
    out = pd.DataFrame({
        "code_insee": code, "year": int(snapshot_year),
        "technology": tech.map(lambda t: t[0]), "renewable": tech.map(lambda t: t[1]).astype(bool),
        "capacity_kw": capacity, "installations": count, "energy_mwh": energy,
        "small_aggregate": label.map(normalise_name).str.startswith("agregationdesinstallations"),
        "line": p.df[LINE],
    }).reset_index(drop=True)
    out.attrs.update(unplaced=unplaced, outside=outside, aggregates=aggregates, layout="odre_registre")
    return out


def _aggregates(df: pd.DataFrame, cols: dict[str, str], year: int) -> pd.DataFrame | None:
    """Capacity, installations and production by département, region and France (whole file)."""
    if "code_departement" not in cols and "code_region" not in cols:
        return None

    def num(col: str) -> pd.Series:
        return pd.to_numeric(df[col].astype(str).str.replace(",", ".", regex=False), errors="coerce")

    tech = lookup(df[cols["filiere"]], {k: v[0] for k, v in TECHNOLOGIES.items()}, default="autre")
    frame = pd.DataFrame({
        "technology": tech, "capacity": num(cols["puismaxinstallee"]),
        "installations": num(cols["nbinstallations"]).fillna(1.0) if "nbinstallations" in cols else 1.0,
        "production": num(cols["energie"]) * KWH_TO_MWH if "energie" in cols else np.nan,
    })
    parts = []
    for level, key in (("departement", "code_departement"), ("region", "code_region"), ("france", None)):
        if key is not None and key not in cols:
            continue
        code = df[cols[key]].astype(str).str.strip() if key else pd.Series("FR", index=df.index)
        g = frame.assign(geo_code=code).groupby(["geo_code", "technology"], sort=True)
        wide = pd.DataFrame({"capacity": g["capacity"].sum(min_count=1),
                             "installations": g["installations"].sum(min_count=1),
                             "production": g["production"].sum(min_count=1)}).reset_index()
        parts.append(wide.melt(id_vars=["geo_code", "technology"], var_name="variable", value_name="value")
                     .assign(geo_level=level, year=year))
    out = pd.concat(parts, ignore_index=True)
    return out[["geo_level", "geo_code", "year", "technology", "variable", "value"]]
