"""Drivers of the change in emissions: LMDI applied to the territory.

``C_s = P × (E_s / P) × (C_s / E_s)`` for each sector ``s`` with energy data (population,
energy consumption per inhabitant, carbon content of the energy); the change of sectors
without energy data (waste, energy branch, other transport) is shown as one separate effect.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import ENERGY_SECTORS
from .lmdi import lmdi_chain

FACTOR_LABELS_FR = {
    "population": "Population",
    "energy_per_capita": "Consommation d'énergie par habitant",
    "carbon_intensity": "Contenu carbone de l'énergie",
    "other_sectors": "Secteurs sans donnée d'énergie",
}


def factor_tables(indicators: pd.DataFrame, geo_level: str, geo_code: str, years: list[int]) -> dict[int, pd.DataFrame]:
    """Factor tables (sectors × factors) for each year where population, energy and emissions are known."""
    v = indicators.loc[(indicators["geo_level"] == geo_level) & (indicators["geo_code"] == geo_code)]
    get = v.set_index(["indicator_id", "year"])["value"]
    out = {}
    for y in years:
        try:
            pop = float(get[("population", y)])
            rows = {}
            for s in ENERGY_SECTORS:
                e, c = float(get[(f"conso_{s}", y)]), float(get[(f"ges_{s}", y)])
                rows[s] = {"population": pop, "energy_per_capita": e / pop, "carbon_intensity": c / e if e else 0.0}
        except KeyError:
            continue
        df = pd.DataFrame(rows).T
        if df.notna().all().all():
            out[y] = df
    return out


def emissions_drivers(indicators: pd.DataFrame, geo_level: str, geo_code: str, start: int, end: int) -> pd.Series:
    """Additive LMDI effects on total emissions between ``start`` and ``end`` [t CO2e], chained yearly.

    Returns a Series indexed by factor (see :data:`FACTOR_LABELS_FR`) summing exactly to the
    change of total emissions.
    """
    tables = factor_tables(indicators, geo_level, geo_code, list(range(start, end + 1)))
    if start not in tables or end not in tables:
        raise ValueError("population, énergie et émissions sont nécessaires aux deux bornes de la période")
    chain = lmdi_chain(tables)
    effects = chain.loc["total"].copy()
    v = indicators.loc[(indicators["geo_level"] == geo_level) & (indicators["geo_code"] == geo_code)]
    total = v.loc[v["indicator_id"] == "ges_total"].set_index("year")["value"]
    energy_part = {y: sum(tables[y].prod(axis=1)) for y in (start, end)}
    effects["other_sectors"] = (total[end] - energy_part[end]) - (total[start] - energy_part[start])
    return effects
