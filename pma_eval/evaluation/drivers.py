"""Drivers of the change in emissions: LMDI applied to the territory.

For each sector ``s`` with energy data, its *energy emissions* ``B_s`` are decomposed as

    B_s = P × (E*_s / P) × (B*_s / E*_s) × (B_s / B*_s)

(population, energy consumption per inhabitant at normal climate, carbon content of the energy at
normal climate, weather of the year), where ``E*_s`` is the climate-corrected consumption and
``B*_s = B_s / w_s`` the energy emissions at normal climate, ``w_s = Ĉ_s / Ĉ*_s`` the weather's effect
on the emissions computed by carrier, ``Ĉ = Σ_c E_c × f_c`` and ``Ĉ* = Σ_c E*_c × f_c`` with the direct
factors ``f_c`` of ``vocabulary.yml``. The weather thus moves the climate factor only: a cold year
that burns more gas is not booked as « contenu carbone » (the carbon content is on corrected energy).

Which emissions are « energy emissions »: in the sectors whose inventory emissions are almost all
from burning energy (``sector_groups.energy_only``: residential, tertiary, road transport), the
inventory's own emissions, ``B_s = C_s`` — their carbon content is the inventory's implied factor, and
no gap between two factor sets becomes a « non-energy » effect. Elsewhere (agriculture, industry),
``B_s = Ĉ_s`` and the rest of the inventory, ``C_s − Ĉ_s`` (livestock and soils, industrial
processes), is the *non-energy* effect. The change of sectors without energy data (waste, energy
branch, other transport) is one more effect. The effects sum exactly to the change of total emissions.

Where no climate-corrected consumption is known for every year of the period, ``E* = E`` and there
is no weather factor: a mild year is then counted in the consumption per inhabitant.

Emission factors: the direct factors (combustion at the consumer, ``vocabulary.yml``) are the only
ones the calculations use. The demonstration series were derived from emissions with life-cycle
factors (ADEME Base Carbone, upstream included: gas 0,227, fuel oil 0,324 t CO₂e/MWh); the
decomposition no longer depends on that difference, since the sectors concerned use the inventory's
implied factor.
"""

from __future__ import annotations

import math

import pandas as pd

from ..vocabulary import DIRECT_EMISSION_FACTORS, ENERGY_ONLY_SECTORS, ENERGY_SECTORS
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
                  years: list[int], energy_corrected: pd.DataFrame | None = None) -> dict[int, pd.DataFrame]:
    """Factor tables (sectors × factors) for each year where population, energy by carrier and
    emissions are known (see the module docstring). ``energy_corrected``: the climate-corrected energy
    table by sector and carrier; the weather factor exists when every energy sector has a corrected
    consumption in every year of ``years`` (sectors without one get a weather factor of 1)."""
    v = indicators.loc[(indicators["geo_level"] == geo_level) & (indicators["geo_code"] == geo_code)]
    get = v.set_index(["indicator_id", "year"])["value"]
    en = energy.loc[(energy["geo_level"] == geo_level) & (energy["geo_code"] == geo_code)]
    burnt = energy_emissions(en)
    burnt_normal = None
    if energy_corrected is not None:
        ec = energy_corrected.loc[(energy_corrected["geo_level"] == geo_level)
                                  & (energy_corrected["geo_code"] == geo_code)]
        burnt_normal = energy_emissions(ec)
    corrected = {s for s in ENERGY_SECTORS
                 if all(pd.notna(get.get((f"conso_{s}_corrigee", y))) and get.get((f"conso_{s}_corrigee", y)) > 0
                        for y in years)}
    out = {}
    for y in years:
        try:
            pop = float(get[("population", y)])
            rows = {}
            for s in ENERGY_SECTORS:
                e = float(get[(f"conso_{s}", y)])
                b = float(get[(f"ges_{s}", y)]) if s in ENERGY_ONLY_SECTORS else float(burnt[(s, y)])
                normal, w = e, 1.0
                if s in corrected:
                    normal = float(get[(f"conso_{s}_corrigee", y)])
                    c_raw = float(burnt[(s, y)])
                    c_normal = float(burnt_normal[(s, y)]) if burnt_normal is not None and (s, y) in burnt_normal else math.nan
                    # the weather's effect on the emissions (by carrier), else on the energy
                    w = c_raw / c_normal if c_normal == c_normal and c_normal > 0 and c_raw > 0 else (e / normal if normal else 1.0)
                rows[s] = {"population": pop, "energy_per_capita": normal / pop,
                           "carbon_intensity": (b / w) / normal if normal else 0.0}
                if corrected:
                    rows[s]["climate"] = w
        except KeyError:
            continue
        df = pd.DataFrame(rows).T
        if df.notna().all().all():
            out[y] = df
    return out


def emissions_drivers(indicators: pd.DataFrame, energy: pd.DataFrame, geo_level: str, geo_code: str,
                      start: int, end: int, energy_corrected: pd.DataFrame | None = None) -> pd.Series:
    """Additive LMDI effects on total emissions between ``start`` and ``end`` [t CO2e], chained yearly.

    Parameters
    ----------
    indicators : DataFrame
        The indicators table (population, ``conso_<sector>``, ``ges_<sector>``, ``ges_total``).
    energy : DataFrame
        The processed energy table (``geo_level, geo_code, sector, carrier, year, value``).
    energy_corrected : DataFrame, optional
        The processed climate-corrected energy table (same layout): the weather's effect on the
        emissions is then computed by carrier.

    Returns
    -------
    Series
        Indexed by factor (see :data:`FACTOR_LABELS_FR`), summing exactly to the change of total
        emissions.
    """
    tables = factor_tables(indicators, energy, geo_level, geo_code, list(range(start, end + 1)), energy_corrected)
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
