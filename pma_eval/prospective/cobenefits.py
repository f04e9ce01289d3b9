"""Air-quality co-benefits of the levers: the pollutants that burning less fuel avoids.

An order of magnitude from the territory's own inventories, not an air-quality model. In each sector
where air pollutants come essentially from burning fuels (:data:`SECTORS`), the base year's emissions
of a pollutant are divided by the fuels the sector burnt (carriers with a direct emission factor:
gas, oil products, wood) — a pollutant intensity [t per MWh of fuel]. The fuels a scenario's levers
remove in a year, sector by sector, times that intensity, are the emissions avoided. It ignores the
difference between fuels (wood emits far more particles than gas: a switch from wood is under-counted,
one from gas over-counted) and non-exhaust road particles (brakes, tyres), which fuel savings do not
remove. Ammonia (NH₃), an agricultural, non-combustion pollutant, is left out.

Particles (:data:`PARTICLES`) are not given: in homes they come almost all from wood, which an
inventory by sector does not set apart, while the levers mostly save gas and fuel oil. A fuel-blind
intensity would credit a gas boiler replaced with a wood stove's particles (issue 23: « PM2,5 −130 t
(14 %) » where the wood the levers save, 3,4 %, gives about 40 t). Their ``avoided`` is NaN (unknown,
never zero) until the inventory gives particles by fuel.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import COMBUSTION_AIR_SECTORS as SECTORS
from ..vocabulary import COMBUSTION_POLLUTANTS, DIRECT_EMISSION_FACTORS
from .model import BaseState, simulate
from .scenarios import Scenario

FUELS = tuple(c for c, f in DIRECT_EMISSION_FACTORS.items() if f > 0)
#: Pollutants that come mostly from one fuel (wood) in these sectors: not estimated (module docstring).
PARTICLES = ("pm10", "pm25")


def fuel_use(energy: dict[tuple[str, str], float]) -> dict[str, float]:
    """MWh of fuels burnt by sector (:data:`SECTORS`), from ``{(sector, carrier): MWh}``."""
    return {s: sum(v for (sec, c), v in energy.items() if sec == s and c in FUELS) for s in SECTORS}


def intensities(air: pd.DataFrame, fuels: dict[str, float]) -> pd.DataFrame:
    """Pollutant emitted per MWh of fuel burnt, by pollutant and sector [t/MWh].

    ``air``: one year's rows ``pollutant, sector, value`` [t]; ``fuels``: :func:`fuel_use` of the same year.
    """
    a = air[air["pollutant"].isin(COMBUSTION_POLLUTANTS) & air["sector"].isin(SECTORS)]
    t = a.groupby(["pollutant", "sector"], as_index=False)["value"].sum(min_count=1)
    t["fuel_mwh"] = t["sector"].map(fuels)
    t["t_per_mwh"] = t["value"] / t["fuel_mwh"].where(t["fuel_mwh"] > 0)
    return t.dropna(subset=["t_per_mwh"])


def avoided(intensity: pd.DataFrame, saved_fuel: dict[str, float]) -> pd.Series:
    """Tonnes avoided by pollutant: Σ over sectors of the fuel saved [MWh] × the sector's intensity."""
    t = intensity.assign(saved=intensity["sector"].map(saved_fuel).fillna(0.0))
    return (t["t_per_mwh"] * t["saved"]).groupby(t["pollutant"]).sum()


def air_cobenefits(scenario: Scenario, base: BaseState, air: pd.DataFrame, year: int = 2030,
                   horizon: int = 2050) -> pd.DataFrame:
    """Pollutants the levers of ``scenario`` avoid in ``year`` (central values, levers against no lever).

    Returns
    -------
    DataFrame
        ``pollutant``, ``base`` (t in the base year, the three sectors), ``avoided`` (t in ``year``; NaN
        for :data:`PARTICLES`), ``share`` (avoided / base). Empty when the base year has no air inventory.
    """
    a = air[air["year"] == base.year]
    if a.empty:
        return pd.DataFrame(columns=["pollutant", "base", "avoided", "share"])
    inten = intensities(a, fuel_use(base.energy))
    col = year - base.year
    off = simulate(scenario, base, horizon, levers=(), apply_target=False)
    on = simulate(scenario, base, horizon, apply_target=False)
    saved = {s: sum(float(off.energy[(s, c)][0, col] - on.energy[(s, c)][0, col])
                    for c in FUELS if (s, c) in off.energy and (s, c) in on.energy) for s in SECTORS}
    av = avoided(inten, saved)
    base_t = inten.groupby("pollutant")["value"].sum()
    out = pd.DataFrame({"base": base_t, "avoided": av}).reindex([p for p in COMBUSTION_POLLUTANTS if p in base_t.index])
    out.loc[out.index.isin(PARTICLES), "avoided"] = float("nan")  # fuel-blind intensity: not given
    out["share"] = out["avoided"] / out["base"]
    return out.reset_index(names="pollutant")
