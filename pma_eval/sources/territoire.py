"""Commune and EPCI tables (DGCL/INSEE via ``@etalab/decoupage-administratif``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._table import LINE, Parser, read_any


def read_communes(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read the commune table of the territory.

    Returns
    -------
    DataFrame
        ``code_insee, nom, epci_siren, epci_sigle, epci_nom``, one row per commune, and
        ``line`` (its line in the file).
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"code_insee": ("codgeo", "code_commune", "insee"), "nom": ("libelle", "nom_commune"),
                      "epci_siren": ("siren_epci", "code_epci", "epci"), "epci_sigle": ("sigle_epci",)},
                     {"epci_nom": ("nom_epci",)})
    out = pd.DataFrame({
        "code_insee": p.code(cols["code_insee"], "insee"),
        "nom": p.text(cols["nom"]),
        "epci_siren": p.code(cols["epci_siren"], "siren"),
        "epci_sigle": p.text(cols["epci_sigle"]),
        "epci_nom": p.text(cols["epci_nom"], required=False) if "epci_nom" in cols else "",
        "line": p.df[LINE],
    })
    p.duplicates(out[["code_insee"]], "code_insee")
    p.raise_if_any()
    return out.reset_index(drop=True)


def read_epci(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read the EPCI table. Returns ``epci_siren, epci_sigle, epci_nom, nb_communes``."""
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"epci_siren": ("siren",), "epci_sigle": ("sigle",), "epci_nom": ("epci_nom_dgcl", "nom"),
                      "nb_communes": ()})
    out = pd.DataFrame({
        "epci_siren": p.code(cols["epci_siren"], "siren"),
        "epci_sigle": p.text(cols["epci_sigle"]),
        "epci_nom": p.text(cols["epci_nom"]),
        "nb_communes": p.integer(cols["nb_communes"], minimum=1),
    })
    p.duplicates(out[["epci_siren"]], "epci_siren")
    p.raise_if_any()
    return out
