"""Inputs of the scenario report, then the scenario runs: two steps, two functions.

:func:`load_inputs` reads the processed tables (through :mod:`pma_eval.processed`) and the
scenario files of one territory; :func:`run_scenarios` runs the Monte Carlo of each scenario;
:func:`load_foresight` does both. Calculations are in :mod:`pma_eval.prospective`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..config import DEFAULT_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED, Paths, default_scenarios, get_paths
from ..errors import ConfigurationError
from ..processed import load, load_territory, manifest
from ..prospective import (bands, base_state, national_index, reference_trajectory, resolve, simulate,
                           sum_trajectories)
from ..prospective.model import BaseState, Result
from ..prospective.results import gap_table, indicator_history
from ..prospective.scenarios import Scenario
from ..sources.prospective import ademe_parameters, read_scenario_folder
from ..territory import Territory, worst_nature


@dataclass
class ForesightInputs:
    """What the scenarios of one territory start from."""

    year: int
    horizon: int
    geo_level: str
    geo_code: str
    name: str
    of_name: str
    sigle: str
    territory: Territory
    scenarios: dict[str, Scenario]
    base: BaseState
    emissions: pd.DataFrame  # history: sector, year, value, nature, complete
    energy: pd.Series  # history of total final energy [MWh] by year
    reference: pd.DataFrame
    targets: pd.DataFrame
    sgpe: pd.DataFrame
    manifest: dict
    paths: Paths
    energy_natures: frozenset[str] = frozenset()  # natures of the energy history
    # What the options table observes: energy by sector (sector, year, value, nature), installed
    # capacity by technology (technology, year, value [kW], nature), referenced unit costs.
    energy_sectors: pd.DataFrame = field(default_factory=pd.DataFrame)
    capacity: pd.DataFrame = field(default_factory=pd.DataFrame)
    unit_costs: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Air-pollutant inventory of the territory (pollutant, sector, year, value [t], nature), for co-benefits.
    air: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Energy by sector and carrier (sector, carrier, year, value [MWh], nature): the carrier mix the SGPE
    # split of the boiler levers follows.
    energy_carriers: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Total final energy at normal climate by year [MWh] (empty when the corrected series does not cover
    # every year of the raw one): consumption targets are set and judged on it, as the verdicts do.
    energy_normal: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))

    @property
    def climate_factor(self) -> float:
        """Normal-climate over raw consumption of the base year (1 without a corrected series): the
        scenarios' energy, projected from the base year's raw consumption, is brought to normal climate
        by it before it is compared with a consumption target."""
        n, e = self.energy_normal.get(self.year, float("nan")), self.energy.get(self.year, float("nan"))
        return float(n / e) if n == n and e == e and e else 1.0

    @property
    def target_history(self) -> dict[str, pd.Series]:
        """The observed series targets refer to: emissions, and consumption at normal climate where known."""
        hist = indicator_history(self.emissions, self.energy)
        if not self.energy_normal.dropna().empty:
            hist["conso_energie_finale"] = self.energy_normal
        return hist

    @property
    def emissions_total(self) -> pd.Series:
        return self.emissions.groupby("year")["value"].sum(min_count=1)

    @property
    def emissions_complete(self) -> pd.Series:
        """By year: is the total of :attr:`emissions_total` complete (every sector's value known)? False: it is a
        minimum (a sector's value has a gap, e.g. Béthune's road transport), told « au moins » (issue 23)."""
        return self.emissions.groupby("year")["complete"].all()

    def at_least(self, year: int) -> str:
        """« au moins » before the emissions total of ``year`` when it is a minimum, else ''."""
        return "" if bool(self.emissions_complete.get(year, True)) else "au moins "

    @property
    def demo_years(self) -> set[int]:
        e = self.emissions
        return {int(y) for y in e.loc[e["nature"] == "demonstration", "year"].unique()}

    @property
    def is_demonstration(self) -> bool:
        return self.base.nature == "demonstration"


@dataclass
class ForesightContext(ForesightInputs):
    """The inputs and the results of every scenario (Monte Carlo draws)."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    results: dict[str, Result] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)

    def bands(self, name: str, what: str = "emissions") -> pd.DataFrame:
        """Percentile bands of a scenario's total emissions or energy (computed once)."""
        key = ("bands", name, what)
        if key not in self._cache:
            r = self.results[name]
            self._cache[key] = bands(r.total_emissions() if what == "emissions" else r.total_energy(), r.years)
        return self._cache[key]

    @property
    def reference_total(self) -> pd.Series:
        return self.reference.groupby("year")["value"].sum()

    @property
    def gaps(self) -> pd.DataFrame:
        """Every assessable target × scenario (computed once)."""
        if "gaps" not in self._cache:
            self._cache["gaps"] = gap_table(self.targets, self.target_history, self.results, self.geo_level,
                                            self.sigle, self.year, energy_scale=self.climate_factor)
        return self._cache["gaps"]


def _territory_rows(df: pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    return df[(df["geo_level"] == level) & (df["geo_code"] == code)]


def select_scenarios(names: list[str] | None = None, paths: Paths | None = None) -> dict[str, Scenario]:
    """Read, check and resolve the scenario files, and return the requested ones in order.

    Raises :class:`InputDataError` (bad key, unknown parent: file and key named) or
    :class:`ConfigurationError` (unknown scenario name).
    """
    paths = paths or get_paths()
    resolved = resolve(read_scenario_folder(paths.scenarios, paths.root))
    names = list(names or default_scenarios(paths))
    unknown = [n for n in names if n not in resolved]
    if unknown:
        raise ConfigurationError(f"scénario(s) inconnu(s) : {', '.join(unknown)} "
                                 f"(scénarios disponibles : {', '.join(sorted(resolved))})")
    return {n: resolved[n] for n in names}


def _common_years(emissions: pd.DataFrame, energy: pd.DataFrame) -> list[int]:
    """Years with both energy and emissions data (possible start years of the scenarios)."""
    return sorted(int(y) for y in set(emissions["year"]) & set(energy["year"]))


def start_year(paths: Paths | None = None) -> int:
    """Latest year with both energy and emissions data: the default start of the scenarios."""
    paths = paths or get_paths()
    return _common_years(load("emissions", paths), load("energy", paths))[-1]


def load_inputs(year: int | None = None, territoire: str | None = None, scenarios: list[str] | None = None,
                horizon: int = DEFAULT_HORIZON, paths: Paths | None = None) -> ForesightInputs:
    """Load what the scenarios of ``territoire`` (the whole territory's code, the default, or one of its EPCIs)
    start from: history, base year, reference trajectory, targets."""
    paths = paths or get_paths()
    territory = load_territory(paths)
    level, code = territory.resolve(territoire or territory.code)
    if level == "commune":
        whole = territory.whole
        raise ConfigurationError(f"le rapport de prospective porte sur {whole.subject or 'le territoire'} ou l'un de "
                                 f"ses EPCI ({', '.join([territory.code, *territory.epcis['epci_sigle']])})")
    if not 2030 <= horizon <= 2100:
        raise ConfigurationError(f"horizon {horizon} hors de la plage admise (2030 à 2100)")
    em_all = load("emissions", paths)
    em_all = em_all[em_all["in_total"].astype(bool)]
    en_all, rn_all = load("energy", paths), load("renewables", paths)
    common = _common_years(em_all, en_all)
    year = int(year or common[-1])
    if year not in common:
        raise ConfigurationError(f"année de départ {year} sans données d'énergie et d'émissions "
                                 f"(années possibles : {common[0]} à {common[-1]})")
    em, en, rn = (_territory_rows(d, level, code) for d in (em_all, en_all, rn_all))
    base = base_state(en, em, rn, year)

    ademe = ademe_parameters(load("reference_ademe_parametres", paths))
    ref_year = int(ademe[("annee_reference_trajectoire", None)])
    index = national_index(load("reference_tet_trajectoire", paths).drop(columns="source"), base_year=ref_year)
    cols = ["sector", "year", "value", "nature"]
    if level == "pma":
        parts = [reference_trajectory(_territory_rows(em_all, "epci", siren)[cols], index, base_year=ref_year,
                                      horizon=horizon) for siren in territory.epcis["epci_siren"]]
        reference = sum_trajectories(parts)
    else:
        reference = reference_trajectory(em[cols], index, base_year=ref_year, horizon=horizon)
    targets, unit_costs, air = (_optional(t, paths) for t in ("targets", "reference_couts_unitaires", "air"))
    corrected = _optional("energy_corrected", paths)
    sectors = _sectors_at_normal_climate(en, corrected, level, code)
    energy_normal = _total_at_normal_climate(en, corrected, level, code)
    air = _territory_rows(air, level, code)[["pollutant", "sector", "year", "value", "nature"]] if not air.empty else air
    sgpe = load("reference_sgpe_leviers", paths).drop(columns="source")
    name = territory.name(level, code)
    return ForesightInputs(year, horizon, level, code, name, territory.name_after_de(level, code),
                           territory.code if level == "pma" else name, territory, select_scenarios(scenarios, paths), base,
                           em[cols + ["complete"]], en.groupby("year")["value"].sum(min_count=1), reference, targets, sgpe,
                           manifest(paths), paths, frozenset(en["nature"].dropna()),
                           sectors,
                           rn[rn["variable"] == "capacity"][["technology", "year", "value", "nature"]], unit_costs, air,
                           en[["sector", "carrier", "year", "value", "nature"]], energy_normal)


def _sectors_at_normal_climate(en: pd.DataFrame, corrected: pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    """Energy by sector and year (``sector, year, value, nature, corrected``): at normal climate for the
    sectors whose corrected series covers every year of the raw one (as the verdicts judge them), raw
    elsewhere."""
    def by_sector(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.groupby(["sector", "year"], as_index=False).agg(
            value=("value", lambda v: v.sum(min_count=1)), nature=("nature", worst_nature))

    raw = by_sector(en).assign(corrected=False)
    if corrected.empty:
        return raw
    normal = by_sector(_territory_rows(corrected, level, code)).dropna(subset=["value"]).assign(corrected=True)
    keep = [s for s, g in raw.dropna(subset=["value"]).groupby("sector")
            if set(g["year"]) <= set(normal.loc[normal["sector"] == s, "year"])]
    return pd.concat([raw.loc[~raw["sector"].isin(keep)], normal.loc[normal["sector"].isin(keep)]],
                     ignore_index=True).sort_values(["sector", "year"], ignore_index=True)


def _total_at_normal_climate(en: pd.DataFrame, corrected: pd.DataFrame, level: str, code: str) -> pd.Series:
    """Total final energy at normal climate by year, or an empty series when the corrected table does
    not cover every year of the raw one (the verdicts' rule, :data:`pma_eval.evaluation.targets.CLIMATE_CORRECTED`)."""
    if corrected.empty:
        return pd.Series(dtype=float)
    raw = en.groupby("year")["value"].sum(min_count=1).dropna()
    normal = _territory_rows(corrected, level, code).groupby("year")["value"].sum(min_count=1).dropna()
    return normal if set(raw.index) <= set(normal.index) else pd.Series(dtype=float)


def _optional(table: str, paths: Paths) -> pd.DataFrame:
    """A processed table that a build may not have written (empty then)."""
    try:
        return load(table, paths)
    except ConfigurationError:
        return pd.DataFrame()


def run_scenarios(inputs: ForesightInputs, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> ForesightContext:
    """Run the Monte Carlo of every scenario of ``inputs`` (same seed, same numbers)."""
    if draws < 100:
        raise ConfigurationError(f"au moins 100 tirages sont nécessaires pour des percentiles ({draws} demandés)")
    results = {n: simulate(s, inputs.base, inputs.horizon, draws=draws, seed=seed, reference=inputs.reference)
               for n, s in inputs.scenarios.items()}
    fields = {k: getattr(inputs, k) for k in ForesightInputs.__dataclass_fields__}
    return ForesightContext(**fields, draws=draws, seed=seed, results=results)


def load_foresight(year: int | None = None, territoire: str | None = None, scenarios: list[str] | None = None,
                   horizon: int = DEFAULT_HORIZON, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                   paths: Paths | None = None) -> ForesightContext:
    """:func:`load_inputs` then :func:`run_scenarios`."""
    if draws < 100:  # refused before any loading
        raise ConfigurationError(f"au moins 100 tirages sont nécessaires pour des percentiles ({draws} demandés)")
    return run_scenarios(load_inputs(year, territoire, scenarios, horizon, paths), draws, seed)
