"""Scenario results in the IAMC long format (``model, scenario, region, variable, unit, year, value``).

This is the layout ``pyam.IamDataFrame`` reads from a data frame, a CSV or an XLSX sheet
(long form, one value per row). Variables follow the IAMC ``|`` hierarchy with French names,
so that a pyam user can aggregate ``Émissions GES|*`` or compare scenarios directly.
Monte Carlo percentiles are separate variables suffixed ``|P5`` … ``|P95``, as the AR6 database
does for its quantiles.
"""

from __future__ import annotations

import pandas as pd

from ..vocabulary import iamc_variable
from .model import Result, bands

COLUMNS = ["model", "scenario", "region", "variable", "unit", "year", "value"]
MODEL = "pma-eval"


def to_iamc(result: Result, scenario: str, region: str, percentiles: bool = True,
            model: str = MODEL) -> pd.DataFrame:
    """Long IAMC table of one scenario run.

    Values are the mean of the draws (the single run when deterministic): means add up, so sectors
    sum to their total as pyam's ``check_aggregate`` expects (medians would not). With
    ``percentiles`` and more than one draw, every variable also gets ``|P5`` … ``|P95`` variables
    (``|P50`` is the median the report shows).

    Variables and units come from ``vocabulary.yml`` (``kt CO2e/yr`` for emissions, ``GWh/yr``
    for energy and production).
    """
    rows = []
    years = result.years

    def add(variable: str, unit: str, values, scale: float) -> None:
        mean = values.mean(axis=0)
        rows.extend((model, scenario, region, variable, unit, int(y), float(v) / scale) for y, v in zip(years, mean))
        if percentiles and values.shape[0] > 1:
            b = bands(values, years)
            for col in b.columns:
                rows.extend((model, scenario, region, f"{variable}|{col.upper()}", unit, int(y), float(v) / scale)
                            for y, v in b[col].items())

    def add_var(key: str, values, **labels: str) -> None:
        v = iamc_variable(key, **labels)
        add(v.variable, v.unit, values, 1 / v.factor)

    add_var("emissions", result.total_emissions())
    for s, v in result.emissions.items():
        add_var("emissions_sector", v, sector=s)
    add_var("energy", result.total_energy())
    sectors = sorted({s for s, _ in result.energy})
    for s in sectors:
        add_var("energy_sector", sum(v for (s2, _), v in result.energy.items() if s2 == s), sector=s)
    for c in sorted({c for _, c in result.energy}):
        add_var("energy_carrier", sum(v for (_, c2), v in result.energy.items() if c2 == c), carrier=c)
    add_var("renewables", sum(result.renewables.values()))
    for t, v in sorted(result.renewables.items()):
        add_var("renewables_technology", v, technology=t)
    if result.complement:
        add_var("complement", sum(result.complement.values()))
    return pd.DataFrame(rows, columns=COLUMNS)
