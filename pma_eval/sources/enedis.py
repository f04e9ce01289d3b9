"""Enedis — residential electricity consumption at EPCI level (one year)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._table import Parser, read_any


def read_enedis_residential_epci(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read the Enedis EPCI residential extract.

    Returns
    -------
    DataFrame
        ``epci_siren, year, sites`` [count], ``value`` [MWh], ``inhabitants``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"annee": (), "code_epci": (), "nb_sites": (), "conso_totale_mwh": ()},
                     {"nombre_habitants": ()})
    out = pd.DataFrame({
        "epci_siren": p.code(cols["code_epci"], "siren"),
        "year": p.observed_year(cols["annee"]),
        "sites": p.integer(cols["nb_sites"], minimum=0),
        "value": p.number(cols["conso_totale_mwh"], required=True),
        "inhabitants": p.integer(cols["nombre_habitants"], required=False) if "nombre_habitants" in cols else pd.NA,
    })
    p.duplicates(out[["epci_siren", "year"]], "code_epci, annee")
    p.raise_if_any()
    return out
