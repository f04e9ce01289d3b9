"""Pure functions on scenario results and reference frames: history, projections, gaps, effort, IAMC rows.

They used to live in the scenario report; they take frames and results and return frames, so
that a notebook, a test or another report can call them without a report context.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..territory import worst_nature
from ..vocabulary import iamc_variable
from .effort import INDICATOR_SECTORS, gaps, target_levels
from .iamc import COLUMNS, MODEL, to_iamc
from .model import Result


def indicator_history(emissions: pd.DataFrame, energy: pd.Series) -> dict[str, pd.Series]:
    """Observed series of the indicators targets refer to (emissions by group, total final energy).

    ``emissions``: long ``sector, year, value``; ``energy``: total final energy by year [MWh].
    """
    e = emissions.pivot_table(index="year", columns="sector", values="value", aggfunc="sum")
    out = {"ges_total": e.sum(axis=1, min_count=1), "conso_energie_finale": energy}
    for iid, sectors in INDICATOR_SECTORS.items():
        if sectors:
            out[iid] = e.reindex(columns=list(sectors)).sum(axis=1, min_count=1)
    return out


def projections(results: dict[str, Result], indicator_id: str, energy_scale: float = 1.0) -> dict[str, pd.Series]:
    """Median projection of each scenario for a target's indicator; ``energy_scale`` multiplies the
    energy (e.g. the base year's normal-climate over raw consumption: projections at normal climate)."""
    out = {}
    for name, r in results.items():
        if indicator_id == "conso_energie_finale":
            values = r.total_energy() * energy_scale
        else:
            sectors = INDICATOR_SECTORS[indicator_id] or tuple(r.emissions)
            values = sum(r.emissions[s] for s in sectors)
        out[name] = pd.Series(np.median(values, axis=0), index=r.years)
    return out


def sector_gaps(result: Result, reference: pd.DataFrame) -> pd.DataFrame:
    """Median emissions of each sector minus its reference trajectory, by year [t CO2e] (negative: below).

    A scenario with a target is held to each sector's trajectory at most, never at least: a sector
    whose levers run ahead of its trajectory stays below it, and the total with it.
    """
    ref = reference.pivot_table(index="year", columns="sector", values="value")
    ref = ref.reindex(ref.index.union(result.years)).interpolate(limit_area="inside").reindex(result.years)
    med = pd.DataFrame({s: np.median(v, axis=0) for s, v in result.emissions.items()}, index=result.years)
    return (med - ref).reindex(columns=[s for s in med.columns if s in ref.columns])


def gap_table(targets: pd.DataFrame, history: dict[str, pd.Series], results: dict[str, Result], geo_level: str,
              sigle: str, year: int, energy_scale: float = 1.0) -> pd.DataFrame:
    """Every assessable target × scenario (median), with the pace still required from ``year``.

    ``history`` gives the series targets refer to (consumption at normal climate where known) and
    ``energy_scale`` brings the scenarios' energy to the same base (:func:`projections`)."""
    if targets.empty:
        return pd.DataFrame()
    levels = target_levels(targets, history, geo_level, sigle)
    rows = []
    for iid, lv in levels.groupby("indicator_id", sort=False):
        last = {iid: float(history[iid].dropna().get(year, np.nan))}
        rows.append(gaps(projections(results, iid, energy_scale), lv, year, last))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def reference_effort(reference: pd.DataFrame, start: int = 2019, end: int = 2030) -> dict[str, float]:
    """Reduction of each sector along the reference trajectory between ``start`` and ``end`` [t CO2e]."""
    ref = reference.pivot_table(index="year", columns="sector", values="value")
    return {s: float(ref.at[start, s] - ref.at[end, s]) for s in ref.columns}


def _rows(scenario: str, region: str, frame: pd.DataFrame, nature: str | None) -> pd.DataFrame:
    """IAMC rows of a long ``sector, year, value[, nature]`` frame: the total, then each sector.

    With ``nature=None`` each row takes the nature of its values (the worst one for a total).
    """
    frame = frame.dropna(subset=["value"])
    if nature is not None or "nature" not in frame:
        frame = frame.assign(nature=nature or "estimated")
    total = iamc_variable("emissions")
    years = frame.groupby("year")
    rows = [(MODEL, scenario, region, total.variable, total.unit, int(y), g["value"].sum() * total.factor,
             worst_nature(g["nature"])) for y, g in years]
    for s, g in frame.groupby("sector"):
        v = iamc_variable("emissions_sector", sector=s)
        rows += [(MODEL, scenario, region, v.variable, v.unit, int(y), x * v.factor, n)
                 for y, x, n in zip(g["year"], g["value"], g["nature"])]
    return pd.DataFrame(rows, columns=[*COLUMNS, "nature"])


def iamc_table(results: dict[str, Result], reference: pd.DataFrame, history: pd.DataFrame, region: str,
               base_nature: str = "observed") -> pd.DataFrame:
    """Every scenario in the IAMC long format, plus the reference trajectory and the history.

    A ``nature`` column carries the nature to the export: the history keeps the nature of its
    values; projections (scenarios, reference trajectory) are ``estimated``, or
    ``demonstration`` when they start from demonstration values (``base_nature``, and the
    reference's ``base_nature`` per sector).
    """
    projected = worst_nature(["estimated", base_nature])
    parts = [to_iamc(r, name, region).assign(nature=projected) for name, r in results.items()]
    parts.append(_rows("trajectoire_reference", region, reference[["sector", "year", "value", "nature"]], None))
    parts.append(_rows("historique", region, history, None))
    return pd.concat(parts, ignore_index=True)
