"""Carbon stocks and net flows of soils, forests and wood products, entered from the outputs of the
ADEME ALDO tool (one run per EPCI) in a documented template (``docs/sequestration.md``).

Columns ``territoire, annee, occupation_du_sol, grandeur, valeur, unite, source``:

- ``grandeur`` = ``stock`` (carbon stock, in t C or kt C) or ``flux`` (net yearly flow in t CO₂e or
  kt CO₂e per year, **with ALDO's sign**: negative = the land absorbs, positive = it emits);
- ``annee``: the last year of the period ALDO's flows average (its land-cover change period).

The reader returns the flows as ``sequestration`` (positive = absorbed, the sign of the Territoires en
Transitions indicator cae_63.a) so that net emissions = gross emissions − sequestration.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..vocabulary import LAND_USE_SPELLINGS
from ._table import Parser, read_any

COLUMNS = ["territoire", "annee", "occupation_du_sol", "grandeur", "valeur", "unite", "source"]
QUANTITIES = {"stock": "stock", "stocks": "stock", "flux": "flux", "flux net": "flux", "flux_net": "flux"}
#: Accepted units → (quantity they measure, factor to the canonical unit: t C for stocks, t CO₂e a year for flows).
UNITS = {"tC": ("stock", 1.0), "t C": ("stock", 1.0), "ktC": ("stock", 1000.0), "kt C": ("stock", 1000.0),
         "tCO2e/an": ("flux", 1.0), "tCO2e": ("flux", 1.0), "teqCO2/an": ("flux", 1.0),
         "ktCO2e/an": ("flux", 1000.0), "ktCO2e": ("flux", 1000.0), "kteqCO2/an": ("flux", 1000.0)}


def read_aldo(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read a filled ALDO template.

    Returns
    -------
    DataFrame
        ``territoire`` (as written), ``year``, ``land_use``, ``variable`` (``stock`` [t C] or
        ``sequestration`` [t CO₂e a year, positive = absorbed]), ``value``, ``source``, ``line``.
    """
    p = Parser(read_any(path, display, allow_empty=True), display or str(path))
    cols = p.columns({c: () for c in COLUMNS})
    terr = p.text(cols["territoire"]).str.upper()
    year = p.observed_year(cols["annee"])
    land = p.choice(cols["occupation_du_sol"], LAND_USE_SPELLINGS, what="occupation du sol")
    qty = p.choice(cols["grandeur"], QUANTITIES, what="grandeur")
    value = p.number(cols["valeur"], required=True, allow_negative=True)
    unit_raw = p.text(cols["unite"])
    unit = p.choice(cols["unite"], {k: k for k in UNITS}, what="unité")
    bad = (unit != "") & (qty != "") & (unit.map(lambda u: UNITS.get(u, ("",))[0]) != qty)
    if bad.any():
        p.problem("unité incompatible avec la grandeur (stock en t C ou kt C, flux en t CO2e/an ou kt CO2e/an)",
                  unit.index[bad], cols["unite"], unit_raw)
    negative_stock = (qty == "stock") & (value < 0)
    if negative_stock.any():
        p.problem("un stock de carbone ne peut pas être négatif", value.index[negative_stock], cols["valeur"],
                  p.df[cols["valeur"]])
    source = p.text(cols["source"])
    p.duplicates(pd.DataFrame({"t": terr, "a": year, "o": land, "g": qty}),
                 "territoire, annee, occupation_du_sol, grandeur")
    p.raise_if_any()
    factor = unit.map(lambda u: UNITS[u][1])
    flux = qty == "flux"
    return pd.DataFrame({
        "territoire": terr, "year": year.astype(int), "land_use": land,
        "variable": qty.where(~flux, "sequestration"),
        "value": (value * factor).where(~flux, -value * factor),
        "source": source, "line": p.df["_line"],
    })


def write_template(folder: str | Path) -> list[Path]:
    """Write the ALDO template (CSV, ``;``, UTF-8) with two example rows to replace."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sequestration_aldo_modele.csv"
    from .inventory import territory_examples

    whole, epcis, _ = territory_examples()  # the territory in use's codes, from its declaration
    epci = epcis[0] if epcis else whole
    pd.DataFrame([[epci, 2018, "forets", "stock", "450 000", "tC", "ADEME, outil ALDO (version, date du calcul)"],
                  [epci, 2018, "forets", "flux", "-9 000", "tCO2e/an", "ADEME, outil ALDO (version, date du calcul)"]],
                 columns=COLUMNS).to_csv(path, sep=";", index=False, encoding="utf-8")
    return [path]
