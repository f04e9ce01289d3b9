"""Agence ORE — annual electricity and gas consumption by sector, per commune or EPCI.

Format (``;``-separated, UTF-8): one row per operator × year × energy × consumption
category × sector (× NAF code) × geography, columns ``operateur, annee, filiere,
code_categorie_consommation, libelle_categorie_consommation, code_grand_secteur,
libelle_grand_secteur, code_naf, libelle_secteur_naf2, conso, pdl, indqual,
nombre_mailles_secretisees`` then the geography's columns (``code_commune`` or ``code_epci``…).
``conso`` is in MWh. A masked cell (statistical secrecy) has an empty ``conso``: it is
unknown, never zero, and any sum that includes it is unknown too.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..config import YEAR_MAX, YEAR_MIN
from ._table import LINE, Parser, normalise_name, read_any

CARRIERS = {"electricite": "electricite", "electricity": "electricite", "elec": "electricite",
            "gaz": "gaz", "gaznaturel": "gaz", "gas": "gaz"}
SECTORS = {
    "r": "residentiel", "residentiel": "residentiel",
    "t": "tertiaire", "tertiaire": "tertiaire",
    "i": "industrie", "industrie": "industrie",
    "a": "agriculture", "agriculture": "agriculture",
    "x": "non_affecte", "inconnu": "non_affecte", "nonaffecte": "non_affecte",
}


def read_ore_consumption(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read an Agence ORE consumption file (commune or EPCI variant).

    Returns
    -------
    DataFrame
        ``geo_level`` (``commune`` or ``epci``), ``geo_code``, ``year``, ``carrier``
        (``electricite``/``gaz``), ``sector`` (``residentiel, tertiaire, industrie,
        agriculture, non_affecte``), ``value`` [MWh] (NaN when secret), ``delivery_points``,
        ``nature`` (``observed`` or ``secret``), ``line`` (first line of the group).
        Operators and NAF codes are summed.
    """
    name = display or str(path)
    p = Parser(read_any(path, display), name)
    cols = p.columns(
        {"operateur": (), "annee": ("year",), "filiere": (), "code_grand_secteur": (), "conso": ("conso_mwh",)},
        {"pdl": (), "code_commune": ("code_insee", "codeinseecommune"), "code_epci": ("codeepci",),
         "libelle_grand_secteur": (), "nombre_mailles_secretisees": ()},
    )
    if "code_commune" in cols:
        level, geo = "commune", p.code(cols["code_commune"], "insee")
    elif "code_epci" in cols:
        level, geo = "epci", p.code(cols["code_epci"], "siren")
    else:
        p.problem("colonne géographique absente (code_commune ou code_epci attendu)", column="code_commune")
        p.raise_if_any()
    year = p.year(cols["annee"], YEAR_MIN, YEAR_MAX)
    carrier = p.choice(cols["filiere"], CARRIERS, what="filière")
    sector_raw = p.df[cols["code_grand_secteur"]].astype(str)
    sector = sector_raw.map(lambda v: SECTORS.get(normalise_name(v)))
    if sector.isna().any() and "libelle_grand_secteur" in cols:
        by_label = p.df[cols["libelle_grand_secteur"]].astype(str).map(lambda v: SECTORS.get(normalise_name(v)))
        sector = sector.fillna(by_label)
    if sector.isna().any():
        p.problem("grand secteur inconnu (A, I, R, T ou X attendu)", sector.index[sector.isna()],
                  cols["code_grand_secteur"], sector_raw)
    conso = p.number(cols["conso"])
    pdl = p.number(cols["pdl"]) if "pdl" in cols else pd.Series(np.nan, index=p.df.index)
    p.raise_if_any()
    rows = pd.DataFrame({"geo_level": level, "geo_code": geo, "year": year.astype(int), "carrier": carrier,
                         "sector": sector, "value": conso, "delivery_points": pdl, "line": p.df[LINE]})
    rows["secret"] = rows["value"].isna()
    keys = ["geo_level", "geo_code", "year", "carrier", "sector"]
    g = rows.groupby(keys, sort=True)
    out = pd.DataFrame({
        "value": g["value"].sum(min_count=1),
        "delivery_points": g["delivery_points"].sum(min_count=1),
        "secret": g["secret"].any(),
        "line": g["line"].min(),
    }).reset_index()
    out.loc[out["secret"], "value"] = np.nan
    out["nature"] = np.where(out["secret"], "secret", "observed")
    return out.drop(columns="secret")
