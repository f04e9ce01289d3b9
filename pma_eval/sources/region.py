"""Communes of the region with their EPCI and population: the reference of the comparisons.

Columns as shipped in ``data/raw/comparaisons/hdf_communes_epci.csv``: ``code_insee`` (the IGT's code,
COG 2016), ``nom``, ``code_departement``, ``epci_siren``, ``epci_nom`` (the EPCI of 2025 that now holds the
commune), ``population_2016`` (INSEE legal population; empty for the 20 codes absorbed before 2019, whose
inhabitants are counted in the commune that absorbed them, and for Gernicourt, now in the Marne).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._table import LINE, Parser, read_any


def read_region_communes(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read the region's communes table.

    Returns
    -------
    DataFrame
        ``code_insee, nom, code_departement, epci_siren, epci_nom, population`` (``Int64``, ``<NA>``
        when the file has none: never a zero), ``line``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"code_insee": (), "nom": (), "code_departement": (), "epci_siren": (), "epci_nom": (),
                      "population": ("population_2016",)}, {})
    out = pd.DataFrame({
        "code_insee": p.code(cols["code_insee"], "insee"),
        "nom": p.text(cols["nom"]),
        "code_departement": p.text(cols["code_departement"]),
        # empty for a commune that left the region (02344 Gernicourt, now in the Marne)
        "epci_siren": p.code(cols["epci_siren"], "siren", required=False),
        "epci_nom": p.text(cols["epci_nom"], required=False),
        "population": p.integer(cols["population"], required=False, minimum=0),
        "line": p.df[LINE],
    })
    p.duplicates(out[["code_insee"]], "code_insee")
    p.raise_if_any()
    return out
