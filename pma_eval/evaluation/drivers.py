"""Drivers of the change in emissions: LMDI applied to the territory.

For each sector ``s`` with energy data, the *energy* emissions are decomposed as

    Ĉ_s = P × (E_s / P) × (Ĉ_s / E_s),   Ĉ_s = Σ_c E_{s,c} × f_c

(population, energy consumption per inhabitant, carbon content of the energy), where ``f_c`` is the
direct emission factor of carrier ``c`` (``vocabulary.yml``): only emissions from burning energy are
divided by energy. The rest of the sector's inventory emissions, ``C_s − Ĉ_s`` (livestock and soils,
industrial processes, refrigerants — and the gap between the inventory and the calculation by
factors), is the *non-energy* effect; the change of sectors without energy data (waste, energy
branch, other transport) is one more effect. The effects sum exactly to the change of total emissions.

Where the climate-corrected consumption of a sector (``conso_<sector>_corrigee``) is known for every
year of the period, the weather gets its own factor, so that a mild year is not read as sobriety:

    Ĉ_s = P × (E*_s / P) × (E_s / E*_s) × (Ĉ_s / E_s)

with ``E*_s`` the consumption at normal climate: consumption per inhabitant becomes consumption per
inhabitant *at normal climate*, and ``E_s / E*_s`` (the weather of the year) is the « climat » effect.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import DIRECT_EMISSION_FACTORS, ENERGY_SECTORS
from .lmdi import lmdi_chain

FACTOR_LABELS_FR = {
    "population": "Population",
    "energy_per_capita": "Consommation d'énergie par habitant",
    "carbon_intensity": "Contenu carbone de l'énergie",
    "climate": "Climat de l'année (degrés-jours)",
    "non_energy": "Émissions non énergétiques",
    "other_sectors": "Secteurs sans donnée d'énergie",
}


def energy_emissions(energy: pd.DataFrame) -> pd.Series:
    """Emissions of burning the energy consumed, by (sector, year) [t CO2e]: Σ_c E_{s,c} × f_c.

    ``energy`` has ``sector, carrier, year, value`` [MWh] for one territory. A carrier without a direct
    factor makes its (sector, year) unknown (NaN), never zero.
    """
    e = energy.assign(f=energy["carrier"].map(DIRECT_EMISSION_FACTORS))
    e = e.assign(c=e["value"] * e["f"])
    return e.groupby(["sector", "year"])["c"].sum(min_count=1).where(
        e.groupby(["sector", "year"])["c"].apply(lambda x: x.notna().all()))


def factor_tables(indicators: pd.DataFrame, energy: pd.DataFrame, geo_level: str, geo_code: str,
                  years: list[int]) -> dict[int, pd.DataFrame]:
    """Factor tables (sectors × factors) for each year where population, energy by carrier and
    emissions are known."""
    v = indicators.loc[(indicators["geo_level"] == geo_level) & (indicators["geo_code"] == geo_code)]
    get = v.set_index(["indicator_id", "year"])["value"]
    en = energy.loc[(energy["geo_level"] == geo_level) & (energy["geo_code"] == geo_code)]
    burnt = energy_emissions(en)
    corrected = {s for s in ENERGY_SECTORS
                 if all(pd.notna(get.get((f"conso_{s}_corrigee", y))) and get.get((f"conso_{s}_corrigee", y)) > 0
                        for y in years)}
    out = {}
    for y in years:
        try:
            pop = float(get[("population", y)])
            rows = {}
            for s in ENERGY_SECTORS:
                e, c = float(get[(f"conso_{s}", y)]), float(burnt[(s, y)])
                normal = float(get[(f"conso_{s}_corrigee", y)]) if s in corrected else e
                rows[s] = {"population": pop, "energy_per_capita": normal / pop, "carbon_intensity": c / e if e else 0.0}
                if corrected:
                    rows[s]["climate"] = e / normal if normal else 1.0
        except KeyError:
            continue
        df = pd.DataFrame(rows).T
        if df.notna().all().all():
            out[y] = df
    return out


def emissions_drivers(indicators: pd.DataFrame, energy: pd.DataFrame, geo_level: str, geo_code: str,
                      start: int, end: int) -> pd.Series:
    """Additive LMDI effects on total emissions between ``start`` and ``end`` [t CO2e], chained yearly.

    Parameters
    ----------
    indicators : DataFrame
        The indicators table (population, ``conso_<sector>``, ``ges_<sector>``, ``ges_total``).
    energy : DataFrame
        The processed energy table (``geo_level, geo_code, sector, carrier, year, value``).

    Returns
    -------
    Series
        Indexed by factor (see :data:`FACTOR_LABELS_FR`), summing exactly to the change of total
        emissions.
    """
    tables = factor_tables(indicators, energy, geo_level, geo_code, list(range(start, end + 1)))
    if start not in tables or end not in tables:
        raise ValueError("population, énergie et émissions sont nécessaires aux deux bornes de la période")
    effects = lmdi_chain(tables).loc["total"].copy()
    v = indicators.loc[(indicators["geo_level"] == geo_level) & (indicators["geo_code"] == geo_code)]
    get = v.set_index(["indicator_id", "year"])["value"]
    burnt = {y: float(tables[y].prod(axis=1).sum()) for y in (start, end)}
    sectors = {y: sum(float(get[(f"ges_{s}", y)]) for s in ENERGY_SECTORS) for y in (start, end)}
    total = {y: float(get[("ges_total", y)]) for y in (start, end)}
    effects["non_energy"] = (sectors[end] - burnt[end]) - (sectors[start] - burnt[start])
    effects["other_sectors"] = (total[end] - sectors[end]) - (total[start] - sectors[start])
    return effects
