"""Average energy prices by energy and sector, for the territory's energy bill.

Columns ``energie, secteur, annee, prix, unite, source`` (``docs/facture_energetique.md``): one row = the
average price paid in a year for an energy, in a sector or for every sector (``secteur = tous``), taxes
included, as the SDES publishes them (base Pégase, « prix de l'énergie ») or a regional observatory.
Units ``€/MWh``, ``€/kWh`` or ``c€/kWh``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..vocabulary import POLLUTANTS
from ._table import Parser, read_any
from .inventory import CARRIERS, SECTORS

COLUMNS = ["energie", "secteur", "annee", "prix", "unite", "source"]
#: Accepted units → factor to € per MWh.
UNITS = {"€/MWh": 1.0, "EUR/MWh": 1.0, "€/kWh": 1000.0, "EUR/kWh": 1000.0, "c€/kWh": 10.0, "cEUR/kWh": 10.0}
ALL_SECTORS = "tous"


def read_prices(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read a price table.

    Returns
    -------
    DataFrame
        ``carrier``, ``sector`` (a sector code, or ``tous``), ``year``, ``price`` [€/MWh], ``source``, ``line``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({c: () for c in COLUMNS})
    carrier = p.choice(cols["energie"], {k: v for k, v in CARRIERS.items() if v != "ges" and v not in POLLUTANTS},
                       what="énergie")
    sector = p.choice(cols["secteur"], {**SECTORS, ALL_SECTORS: ALL_SECTORS}, what="secteur")
    year = p.observed_year(cols["annee"])
    price = p.number(cols["prix"], required=True, minimum=0, maximum=100000)
    unit = p.choice(cols["unite"], {k: k for k in UNITS}, what="unité")
    source = p.text(cols["source"])
    p.duplicates(pd.DataFrame({"e": carrier, "s": sector, "a": year}), "energie, secteur, annee")
    p.raise_if_any()
    return pd.DataFrame({"carrier": carrier, "sector": sector, "year": year.astype(int),
                         "price": price * unit.map(UNITS), "source": source, "line": p.df["_line"]})
