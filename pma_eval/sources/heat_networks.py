"""Heat delivered by heat networks: the SDES files « Données de consommation et de points de
livraison d'énergie à la maille IRIS — chaleur et froid » (one national file per release).

The layout (:data:`pma_eval.sources.layouts.LAYOUTS`, format ``sdes_iris_chaleur``):

- ``;``-separated, UTF-8, **two header rows**: a row of labels (« Nom de l'opérateur »,
  « Millésime des données », « Code de l'IRIS - Code de la zone »…), then a row of codes
  (``OPERATEUR``, ``ANNEE``, ``FILIERE``, ``IRIS_CODE`` or ``IRIS``, ``IRIS_LIBELLE``,
  ``CODE_GRAND_SECTEUR``, ``CONSO`` [MWh], ``PDL``; an ``ID`` column first from the 2021-12 release).
  The file is recognised from both rows; its columns are then found by their codes, so their order
  does not matter (it changes between releases). The 2022-09 release writes ``?`` for the accented
  letters of its label row: the labels the layout relies on have none.
- ``FILIERE`` C = heat, F = cold: only heat is read.
- ``CONSO`` and ``PDL`` may be ``secret`` (statistical secrecy) or ``nd`` (not available): both are
  unknown, never 0.
- A commune is the first 5 characters of the IRIS code (``0000`` after them for a commune without
  IRIS, ``XXXX`` where the IRIS is masked). The IRIS code places a delivery, never the operator's label (2018: rows labelled « Réseau
  de chaleur de Béthune » sit in Lens IRIS codes and count for Lens).

Deliveries are the heat **sold** by the networks to their customers, not the renewable share of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputDataError, Problem
from ._table import LINE, Parser, normalise_name, read_any

#: The code row, canonical name → accepted codes (matched without case or punctuation).
CODE_ROW = {
    "annee": ("ANNEE",),
    "filiere": ("FILIERE",),
    "iris": ("IRIS_CODE", "IRIS"),
    "secteur": ("CODE_GRAND_SECTEUR",),
    "conso": ("CONSO",),
    "pdl": ("PDL",),
}
OPTIONAL_CODES = {"operateur": ("OPERATEUR",), "id": ("ID",), "libelle": ("IRIS_LIBELLE",)}
#: Texts standing for an unknown value (secrecy, not available).
UNKNOWN = {"secret", "nd"}
#: ``CODE_GRAND_SECTEUR`` → sector of the consumption tables (``nd``: sector not given).
SECTORS = {"R": "residentiel", "T": "tertiaire", "I": "industrie", "A": "agriculture", "X": "non_affecte",
           "nd": "non_affecte"}
HEAT, COLD = "C", "F"


def code_row_matches(values) -> bool:
    """The second header row carries the codes of the layout."""
    have = {normalise_name(v) for v in values}
    return all(any(normalise_name(c) in have for c in codes) for codes in CODE_ROW.values())


def read_heat_networks(path: str | Path, display: str | None = None,
                       communes: set[str] | None = None) -> pd.DataFrame:
    """Heat delivered by networks per commune, year and sector, from an SDES IRIS heat/cold file.

    Parameters
    ----------
    communes : set, optional
        INSEE codes of the territory: deliveries elsewhere are left out and counted in
        ``attrs["outside"]``.

    Returns
    -------
    DataFrame
        ``geo_level`` (``commune``), ``geo_code``, ``year``, ``carrier`` (``chaleur_reseau``),
        ``sector``, ``value`` [MWh] (the sum of the known cells; NaN when every cell is unknown),
        ``delivery_points`` (known cells), ``unknown_cells`` (``secret`` or ``nd``), ``complete``
        (no unknown cell), ``nature`` (``observed``, or ``secret`` when nothing is known), ``line``
        (first line of the group). ``attrs``: ``layout``, ``outside`` (rows, communes),
        ``cold_rows``, ``unknown_energy_rows`` (FILIERE ``NA``), ``unknown_cells`` (in the territory).
    """
    from .layouts import detect, unknown_layout

    name = display or str(path)
    raw = read_any(path, display)
    layout = detect(raw.columns, "sdes_iris_chaleur")
    if layout is None:
        raise unknown_layout(name, raw.columns)
    codes = [str(raw.at[0, c]) for c in raw.columns if c != LINE] if len(raw) else []
    if not code_row_matches(codes):
        raise InputDataError([Problem(name, "deuxième ligne d'en-tête attendue (codes des colonnes : "
                                      "ANNEE, FILIERE, IRIS_CODE ou IRIS, CODE_GRAND_SECTEUR, CONSO, PDL) ; "
                                      f"lu : {', '.join(codes)}", line=2)])
    df = raw.iloc[1:].copy()
    df.columns = [*codes, LINE]
    df = df.reset_index(drop=True)
    p = Parser(df, name)
    cols = p.columns(CODE_ROW, OPTIONAL_CODES)
    filiere = p.choice(cols["filiere"], {HEAT: HEAT, COLD: COLD, "NA": "NA", "nd": "NA"},
                       what="énergie (C chaleur, F froid)")
    heat = filiere.eq(HEAT)
    iris = p.text(cols["iris"])
    bad = heat & ~iris.str.fullmatch(r"\d[\dAB]\d{3}[\dX]{4}")
    if bad.any():
        p.problem("code IRIS attendu (9 caractères : code commune puis 4 chiffres, ou XXXX)", iris.index[bad], cols["iris"], iris)
    year = p.observed_year(cols["annee"])
    sector = p.choice(cols["secteur"], SECTORS, what="grand secteur (R, T, I, A, X)")

    def known(column: str) -> tuple[pd.Series, pd.Series]:
        text = p.text(column, required=False)
        unknown = text.str.lower().isin(UNKNOWN)
        values = p.number(column) if not unknown.any() else _numbers(p, column, unknown)
        return values, unknown

    conso, unknown = known(cols["conso"])
    pdl, _ = known(cols["pdl"])
    p.raise_if_any()
    commune = iris.str[:5]
    inside = heat & (commune.isin(communes) if communes is not None else True)
    outside = heat & ~inside
    rows = pd.DataFrame({"geo_code": commune, "year": year, "sector": sector, "value": conso,
                         "delivery_points": pdl, "unknown": unknown, "line": p.df[LINE]}).loc[inside]
    by = rows.groupby(["geo_code", "year", "sector"])  # sums in pandas' own loops, not a Python call a group
    out = pd.DataFrame({"value": by["value"].sum(min_count=1), "delivery_points": by["delivery_points"].sum(),
                        "unknown_cells": by["unknown"].sum(), "known_cells": by["value"].count(),
                        "line": by["line"].min()}).reset_index()
    out["complete"] = out["unknown_cells"].eq(0)
    out["nature"] = np.where(out["known_cells"].eq(0), "secret", "observed")
    out = out.assign(geo_level="commune", carrier="chaleur_reseau", year=out["year"].astype(int),
                     unknown_cells=out["unknown_cells"].astype(int))
    out = out[["geo_level", "geo_code", "year", "carrier", "sector", "value", "delivery_points", "unknown_cells",
               "complete", "nature", "line"]].reset_index(drop=True)
    out.attrs["layout"] = layout.id
    out.attrs["outside"] = {"rows": int(outside.sum()), "communes": int(commune[outside].nunique())}
    out.attrs["cold_rows"] = int(filiere.eq(COLD).sum())
    # « NA » in FILIERE (2022-09, outside the Pas-de-Calais): neither heat nor cold said, left out and counted
    out.attrs["unknown_energy_rows"] = int(filiere.eq("NA").sum())
    out.attrs["unknown_cells"] = int(out["unknown_cells"].sum())
    return out


def _numbers(p: Parser, column: str, unknown: pd.Series) -> pd.Series:
    """Numbers of a column whose ``secret``/``nd`` cells are unknown (NaN), the others checked."""
    saved = p.df[column]
    p.df[column] = saved.where(~unknown, "")
    try:
        return p.number(column)
    finally:
        p.df[column] = saved


def heat_by_commune(df: pd.DataFrame) -> pd.DataFrame:
    """Commune × year totals of :func:`read_heat_networks`: ``value`` (known part), ``unknown_cells``,
    ``complete``."""
    by = df.groupby(["geo_code", "year"])
    g = pd.DataFrame({"value": by["value"].sum(min_count=1), "unknown_cells": by["unknown_cells"].sum()}).reset_index()
    g["complete"] = g["unknown_cells"].eq(0)
    return g
