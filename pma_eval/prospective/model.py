"""Accounting model of a lever scenario, vectorised over Monte Carlo draws.

For each sector ``s`` and energy carrier ``c``, year ``t`` after the base year ``t0``::

    energy(s, c, t)   = energy(s, c, t0) × (1 + g_s)^(t − t0) × (1 + i_s)^(t − t0)   then levers
    emissions(s, t)   = k_s × Σ_c energy(s, c, t) × EF_c + non_energy(s, t)
    non_energy(s, t)  = non_energy(s, t0) × (1 + n_s)^(t − t0) × (1 − lever reduction(t))

with ``g`` the activity growth, ``i`` the autonomous intensity change, ``EF`` the direct emission
factor of each carrier and ``n`` the trend of non-energy emissions. ``k_s`` and
``non_energy(s, t0)`` are calibrated so that the base year reproduces the inventory exactly:
``non_energy = inventory − Σ energy × EF`` when positive, otherwise ``k_s = inventory / Σ energy × EF``
and ``non_energy = 0``. The inventory is cadastral (direct emissions, as the CITEPA IGT): electricity
has a zero direct factor and the heat delivered by networks is counted in the energy branch with
the network's CO₂ content.

Levers act on top of the trend (their order is that of :data:`LEVER_ORDER`):

- ``renovation``: cumulated renovated dwellings × saving per dwelling, capped at a share of the
  residential consumption, taken from every carrier pro rata;
- ``chauffage``: oil and gas boilers replaced each year by heat pumps (useful heat ÷ COP in
  electricity) or heat-network connections (useful heat delivered by the network);
- ``photovoltaique``: MWp installed each year × yield, added to the base renewable production;
- ``mobilite``: modal shift removes car kilometres, electric cars replace petrol ones with
  ``conso_relative_ve`` of their energy, decarbonised freight likewise;
- ``tertiaire``, ``industrie``, ``agriculture``: reduction of consumption, switch of gas and oil to
  electricity, reduction of non-energy emissions;
- ``dechets``, ``branche_energie``: reduction of the sector's emissions.

Fractions ramp from 0 at ``debut`` to their value at ``fin``; yearly quantities (dwellings, boilers,
MWp) ramp their yearly pace the same way and accumulate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .scenarios import CARRIERS, SECTORS_ALL, SECTORS_ENERGY, Scenario, merge
from ..vocabulary import DIRECT_EMISSION_FACTORS, SCENARIO_CARRIERS

LEVER_ORDER = ("renovation", "chauffage", "tertiaire", "industrie", "mobilite", "agriculture", "dechets",
               "branche_energie", "photovoltaique")

#: Values used when a scenario does not set a key: working assumptions of the workbench, documented
#: with their meaning in scenarios/README.md (« leviers »), overridden by any scenario file. They are not
#: sourced figures; a scenario meant for a decision should set them from a cited study.
DEFAULTS = {
    "renovation": {"logements_par_an": 0, "gain_mwh_par_logement": 6.0, "part_max_economisee": 0.5},
    "chauffage": {"chaudieres_fioul_par_an": 0, "chaudieres_gaz_par_an": 0, "conso_mwh_par_chaudiere": 14.0,
                  "rendement_chaudiere": 0.85, "cop_pac": 2.9, "part_reseau_chaleur": 0.0},
    "photovoltaique": {"toiture_mwc_par_an": 0, "sol_mwc_par_an": 0},
    "mobilite": {"part_voitures": 0.6, "report_modal": 0, "part_vehicules_electriques": 0,
                 "conso_relative_ve": 0.33, "part_fret_decarbone": 0, "conso_relative_fret": 0.6},
    "tertiaire": {"reduction_consommation": 0, "part_fossile_convertie": 0, "cop_pac": 2.9},
    "industrie": {"reduction_consommation": 0, "part_fossile_electrifiee": 0, "reduction_procedes": 0},
    "agriculture": {"reduction_consommation": 0, "reduction_non_energetique": 0},
    "dechets": {"reduction": 0},
    "branche_energie": {"reduction": 0},
}
HYPOTHESIS_DEFAULTS = {
    # Direct (combustion) factors [t CO2e/MWh], all gases: declared once in vocabulary.yml (with source).
    "facteurs_emission": {c: DIRECT_EMISSION_FACTORS[c] for c in SCENARIO_CARRIERS},
    # Working assumption (scenarios/README.md): CO2 content of delivered network heat [t CO2e/MWh].
    "contenu_co2_reseau_chaleur": 0.10,
    # Working assumption (scenarios/README.md): yearly yield of 1 MWp of photovoltaics in the north of
    # France [MWh/MWp]; a scenario file overrides it.
    "productible_mwh_par_mwc": 950.0,
    # A scenario with a target (cible: trajectoire_reference) does not jump onto the reference trajectory
    # the year after the base year: the gap between the inventory and the trajectory in the base year
    # closes linearly until this year (the first milestone of the targets), then the trajectory holds.
    "annee_jonction_trajectoire": 2030.0,
}
FOSSIL = ("gaz", "produits_petroliers")


@dataclass(frozen=True)
class BaseState:
    """The territory in the base year: what the model starts from.

    ``energy`` [MWh] by (sector, carrier); ``emissions`` [t CO2e] by sector (inventory, PCAET
    sectors); ``renewables`` [MWh] production by technology; ``nature`` the least reliable nature
    of the inputs (``demonstration`` when any input is).
    """

    year: int
    energy: dict[tuple[str, str], float]
    emissions: dict[str, float]
    renewables: dict[str, float]
    nature: str = "observed"


def base_state(energy: pd.DataFrame, emissions: pd.DataFrame, renewables: pd.DataFrame, year: int) -> BaseState:
    """Base state of one territory from its rows of the processed tables.

    Parameters
    ----------
    energy, emissions, renewables : DataFrame
        Rows of one territory (``sector``/``carrier``/``technology``, ``year``, ``value``, ``nature``).
    year : int
        Base year of the scenarios (the latest year with both energy and emissions).
    """
    from ..territory import worst_nature

    e = energy[energy["year"] == year]
    m = emissions[(emissions["year"] == year) & emissions["sector"].isin(SECTORS_ALL)]
    r = renewables[(renewables["year"] == year) & (renewables["variable"] == "production")
                   & renewables["renewable"].astype(bool)]
    if e.empty or m.empty:
        raise ValueError(f"pas de données d'énergie et d'émissions en {year} pour l'année de départ des scénarios")
    en = {(s, c): float(v) for (s, c), v in e.groupby(["sector", "carrier"])["value"].sum(min_count=1).items()
          if pd.notna(v)}
    em = {s: float(v) for s, v in m.groupby("sector")["value"].sum(min_count=1).items() if pd.notna(v)}
    rn = {t: float(v) for t, v in r.groupby("technology")["value"].sum().items()}
    nature = worst_nature(pd.concat([e["nature"], m["nature"], r["nature"]]))
    return BaseState(year=year, energy=en, emissions=em, renewables=rn, nature=nature)


# --- parameters ---------------------------------------------------------------------------------

def central_value(v) -> float:
    """Deterministic value of a number or a distribution (mode, mean, middle of the range)."""
    if isinstance(v, dict):
        law = v["loi"]
        if law == "triangulaire":
            return float(v["mode"])
        if law == "uniforme":
            return (float(v["min"]) + float(v["max"])) / 2
        return float(v["moyenne"])
    return float(v)


def _sample(v, rng: np.random.Generator, n: int) -> np.ndarray:
    if not isinstance(v, dict):
        return np.full(n, float(v))
    law = v["loi"]
    if law == "triangulaire":
        lo, mode, hi = float(v["min"]), float(v["mode"]), float(v["max"])
        return np.full(n, mode) if lo == hi else rng.triangular(lo, mode, hi, n)
    if law == "uniforme":
        return rng.uniform(float(v["min"]), float(v["max"]), n)
    x = rng.normal(float(v["moyenne"]), float(v["ecart_type"]), n)
    return np.clip(x, v.get("min", -np.inf), v.get("max", np.inf))


def _leaves(tree: dict, prefix: tuple = ()):
    for k in sorted(tree):
        v = tree[k]
        if isinstance(v, dict) and "loi" not in v:
            yield from _leaves(v, (*prefix, k))
        else:
            yield (*prefix, k), v


def parameters(scenario: Scenario, draws: int | None = None, seed: int = 0) -> dict:
    """Flat parameter table ``{(section, …, key): value}`` with defaults filled in.

    ``draws=None`` gives central values (floats); otherwise every value is an array of shape
    ``(draws, 1)``, drawn in a fixed order (sorted keys) from ``numpy.random.default_rng(seed)``,
    so that the same seed gives the same numbers.
    """
    tree = {"hypotheses": {**HYPOTHESIS_DEFAULTS}, "leviers": {}}
    tree["hypotheses"] = merge(tree["hypotheses"], scenario.hypotheses)
    for lever, params in scenario.levers.items():
        tree["leviers"][lever] = {**DEFAULTS[lever], **params}
    rng = np.random.default_rng(seed)
    out = {}
    for path, v in _leaves(tree):
        if path[-1] in ("debut", "fin", "forme"):
            out[path] = v
        elif draws is None:
            out[path] = central_value(v)
        else:
            out[path] = _sample(v, rng, draws)[:, None]
    return out


def ramp(years: np.ndarray, start: int, end: int, shape: str = "lineaire") -> np.ndarray:
    """Share of a lever in force each year: 0 until ``start``, 1 from ``end``.

    ``shape="s"`` is a logistic curve rescaled to go exactly from 0 to 1 (slow start, fast middle,
    slow end); ``"lineaire"`` a straight line.
    """
    years = np.asarray(years, dtype=float)
    if end <= start:
        return (years >= start).astype(float)
    x = np.clip((years - start) / (end - start), 0.0, 1.0)
    if shape == "s":
        lo, hi = 1 / (1 + np.exp(5.0)), 1 / (1 + np.exp(-5.0))
        return (1 / (1 + np.exp(-10.0 * (x - 0.5))) - lo) / (hi - lo)
    return x


# --- the model ------------------------------------------------------------------------------------

@dataclass
class Result:
    """Output of :func:`simulate`: arrays of shape ``(draws, years)`` (draws = 1 when deterministic)."""

    years: np.ndarray
    energy: dict[tuple[str, str], np.ndarray]
    emissions: dict[str, np.ndarray]
    renewables: dict[str, np.ndarray]
    complement: dict[str, np.ndarray]

    def total_emissions(self) -> np.ndarray:
        return sum(self.emissions.values())

    def total_energy(self) -> np.ndarray:
        return sum(self.energy.values())


def simulate(scenario: Scenario, base: BaseState, horizon: int = 2050, draws: int | None = None, seed: int = 0,
             reference: pd.DataFrame | None = None, levers: tuple[str, ...] | None = None,
             apply_target: bool = True) -> Result:
    """Run the accounting model of one scenario from the base year to ``horizon``.

    Parameters
    ----------
    scenario : Scenario
        Resolved scenario (:func:`pma_eval.prospective.scenarios.resolve`).
    base : BaseState
        The territory in the base year.
    draws : int, optional
        Number of Monte Carlo draws; ``None`` runs the central values once.
    seed : int
        Seed of the draws.
    reference : DataFrame, optional
        Reference trajectory (``sector``, ``year``, ``value`` [t CO2e]); required when the scenario's
        ``cible`` is ``trajectoire_reference``: each sector's emissions are then capped at the
        reference and the difference is reported in ``complement`` (effort not yet tied to a lever).
    levers : tuple of str, optional
        Only these levers (used to attribute the reductions to levers one after the other).
    apply_target : bool
        ``False`` ignores the scenario's ``cible`` (levers alone).
    """
    P = parameters(scenario, draws, seed)
    years = np.arange(base.year, horizon + 1)
    tau = (years - base.year)[None, :].astype(float)
    n = 1 if draws is None else draws
    active = [lv for lv in LEVER_ORDER if lv in scenario.levers and (levers is None or lv in levers)]

    def h(section: str, key: str | None = None, default: float = 0.0):
        return P.get(("hypotheses", section, key) if key else ("hypotheses", section), default)

    def lv(lever: str, key: str):
        return P[("leviers", lever, key)]

    def rp(lever: str) -> np.ndarray:
        if lever not in active:
            return np.zeros((1, len(years)))
        start = P.get(("leviers", lever, "debut"), base.year)
        end = P.get(("leviers", lever, "fin"), horizon)
        return ramp(years, start, end, P.get(("leviers", lever, "forme"), "lineaire"))[None, :]

    def cumulated(lever: str) -> np.ndarray:
        """Years of full pace accumulated since the base year (pace ramps in)."""
        r = rp(lever).copy()
        r[:, 0] = 0.0
        return np.cumsum(r, axis=1)

    ones = np.ones((n, len(years)))
    energy: dict[tuple[str, str], np.ndarray] = {}
    for s in SECTORS_ENERGY:
        trend = (1 + h("croissance_activite", s)) ** tau * (1 + h("evolution_intensite", s)) ** tau
        for c in CARRIERS:
            energy[(s, c)] = base.energy.get((s, c), 0.0) * trend * ones
    non_energy_trend = {s: (1 + h("evolution_non_energetique", s)) ** tau * ones for s in SECTORS_ALL}
    reduction = {s: np.zeros((n, len(years))) for s in SECTORS_ALL}
    network_heat = np.zeros((n, len(years)))

    def take(sector: str, carriers: tuple[str, ...], amount: np.ndarray) -> np.ndarray:
        """Remove ``amount`` from the carriers pro rata (never below zero); return what was removed."""
        avail = sum(energy[(sector, c)] for c in carriers)
        frac = np.divide(amount, avail, out=np.zeros_like(avail), where=avail > 0).clip(0, 1)
        for c in carriers:
            energy[(sector, c)] = energy[(sector, c)] * (1 - frac)
        return avail * frac

    if "renovation" in active:
        total = sum(energy[("residentiel", c)] for c in CARRIERS)
        saved = np.minimum(lv("renovation", "logements_par_an") * cumulated("renovation")
                           * lv("renovation", "gain_mwh_par_logement"), lv("renovation", "part_max_economisee") * total)
        take("residentiel", CARRIERS, saved)
    if "chauffage" in active:
        useful = 0
        for c, key in (("produits_petroliers", "chaudieres_fioul_par_an"), ("gaz", "chaudieres_gaz_par_an")):
            wanted = lv("chauffage", key) * cumulated("chauffage") * lv("chauffage", "conso_mwh_par_chaudiere")
            useful = useful + take("residentiel", (c,), wanted) * lv("chauffage", "rendement_chaudiere")
        share_net = lv("chauffage", "part_reseau_chaleur")
        energy[("residentiel", "electricite")] += useful * (1 - share_net) / lv("chauffage", "cop_pac")
        energy[("residentiel", "chaleur_reseau")] += useful * share_net
        network_heat += useful * share_net
    if "tertiaire" in active:
        r = rp("tertiaire")
        take("tertiaire", CARRIERS, lv("tertiaire", "reduction_consommation") * r
             * sum(energy[("tertiaire", c)] for c in CARRIERS))
        moved = take("tertiaire", FOSSIL, lv("tertiaire", "part_fossile_convertie") * r
                     * sum(energy[("tertiaire", c)] for c in FOSSIL))
        energy[("tertiaire", "electricite")] += moved * 0.85 / lv("tertiaire", "cop_pac")
    if "industrie" in active:
        r = rp("industrie")
        take("industrie_hors_energie", CARRIERS, lv("industrie", "reduction_consommation") * r
             * sum(energy[("industrie_hors_energie", c)] for c in CARRIERS))
        moved = take("industrie_hors_energie", FOSSIL, lv("industrie", "part_fossile_electrifiee") * r
                     * sum(energy[("industrie_hors_energie", c)] for c in FOSSIL))
        energy[("industrie_hors_energie", "electricite")] += moved
        reduction["industrie_hors_energie"] = lv("industrie", "reduction_procedes") * r * ones
    if "mobilite" in active:
        r = rp("mobilite")
        fuel = energy[("transport_routier", "produits_petroliers")]
        cars = fuel * lv("mobilite", "part_voitures")
        freight = fuel - cars
        cars_left = cars * (1 - lv("mobilite", "report_modal") * r)
        ev = lv("mobilite", "part_vehicules_electriques") * r
        decarb = lv("mobilite", "part_fret_decarbone") * r
        energy[("transport_routier", "produits_petroliers")] = cars_left * (1 - ev) + freight * (1 - decarb)
        energy[("transport_routier", "electricite")] = (energy[("transport_routier", "electricite")]
                                                        + cars_left * ev * lv("mobilite", "conso_relative_ve")
                                                        + freight * decarb * lv("mobilite", "conso_relative_fret"))
    if "agriculture" in active:
        r = rp("agriculture")
        take("agriculture", CARRIERS, lv("agriculture", "reduction_consommation") * r
             * sum(energy[("agriculture", c)] for c in CARRIERS))
        reduction["agriculture"] = lv("agriculture", "reduction_non_energetique") * r * ones
    for s in ("dechets", "branche_energie"):
        if s in active:
            reduction[s] = lv(s, "reduction") * rp(s) * ones

    # Emissions, calibrated on the base-year inventory.
    ef = {c: h("facteurs_emission", c) for c in CARRIERS}
    emissions: dict[str, np.ndarray] = {}
    for s in SECTORS_ALL:
        inventory = base.emissions.get(s, 0.0)
        if s in SECTORS_ENERGY:
            computed0 = sum(base.energy.get((s, c), 0.0) * ef[c] for c in CARRIERS) * np.ones((n, 1))
            k, non_energy0 = calibrate(inventory, computed0)
            energetic = k * sum(energy[(s, c)] * ef[c] for c in CARRIERS)
        else:
            non_energy0, energetic = inventory, 0.0
        emissions[s] = energetic + non_energy0 * non_energy_trend[s] * (1 - reduction[s])
    emissions["branche_energie"] = emissions["branche_energie"] + network_heat * h("contenu_co2_reseau_chaleur")

    complement = {}
    if scenario.target == "trajectoire_reference" and apply_target:
        if reference is None:
            raise ValueError(f"le scénario {scenario.name} vise la trajectoire de référence : fournissez-la")
        ref = reference.pivot_table(index="year", columns="sector", values="value")
        for s in SECTORS_ALL:
            if s not in ref:
                continue
            path = ref[s].reindex(ref.index.union(years)).interpolate(limit_area="inside").reindex(years).to_numpy()
            target = glide_path(path, emissions[s][:, :1], tau, h("annee_jonction_trajectoire", default=2030.0) - base.year)
            gap = np.where(np.isnan(target), 0.0, np.maximum(emissions[s] - target, 0.0))
            gap[:, 0] = 0.0  # the base year is the inventory
            complement[s] = gap
            emissions[s] = emissions[s] - gap

    renewables = {t: v * ones for t, v in base.renewables.items()}
    pv_added = ((lv("photovoltaique", "toiture_mwc_par_an") + lv("photovoltaique", "sol_mwc_par_an"))
                * cumulated("photovoltaique") * h("productible_mwh_par_mwc")) if "photovoltaique" in active else 0.0
    renewables["solaire_pv"] = renewables.get("solaire_pv", 0.0) * ones + pv_added
    return Result(years=years, energy=energy, emissions=emissions, renewables=renewables, complement=complement)


def calibrate(inventory: float, computed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The base-year calibration of an energy sector: ``(k, non_energy)`` such that
    ``k × computed + non_energy = inventory``. ``computed`` (energy × direct factors) above the
    inventory is scaled down (``k < 1``, no non-energy part); below it, the rest is non-energy."""
    computed = np.asarray(computed, dtype=float)
    k = np.where(computed > inventory, np.divide(inventory, computed, out=np.ones_like(computed),
                                                 where=computed > 0), 1.0)
    return k, inventory - k * computed


def calibration(base: BaseState, factors: dict[str, float]) -> pd.DataFrame:
    """The base-year calibration of each energy sector with ``factors`` (central values): ``inventory``,
    ``energy_emissions`` (energy × direct factors), ``k`` and ``non_energy`` [t CO2e], by sector."""
    rows = {}
    for s in SECTORS_ENERGY:
        inventory = base.emissions.get(s, 0.0)
        computed = sum(base.energy.get((s, c), 0.0) * factors.get(c, 0.0) for c in CARRIERS)
        k, non_energy = calibrate(inventory, np.array([computed]))
        rows[s] = {"inventory": inventory, "energy_emissions": computed, "k": float(k[0]),
                   "non_energy": float(non_energy[0])}
    return pd.DataFrame.from_dict(rows, orient="index")


def glide_path(reference: np.ndarray, base_value: np.ndarray, tau: np.ndarray, join_in: np.ndarray | float) -> np.ndarray:
    """The level a scenario with a target is held to: the reference trajectory plus the base year's
    excess over it, closed linearly in ``join_in`` years (no jump the year after the base year).

    ``reference`` [years], ``base_value`` (draws, 1), ``tau`` (1, years) years since the base year.
    """
    # no reference in the base year (a trajectory starting later): no glide, the trajectory alone
    excess = np.nan_to_num(np.maximum(base_value - reference[None, :1], 0.0))
    weight = np.clip(1.0 - tau / np.maximum(np.asarray(join_in, dtype=float), 1.0), 0.0, 1.0)
    return reference[None, :] + excess * weight


PERCENTILES = (5, 25, 50, 75, 95)


def bands(values: np.ndarray, years: np.ndarray, percentiles: tuple[int, ...] = PERCENTILES) -> pd.DataFrame:
    """Percentile bands per year of a ``(draws, years)`` array: columns ``p5`` … ``p95``, index year."""
    q = np.percentile(values, percentiles, axis=0)
    return pd.DataFrame({f"p{p}": q[k] for k, p in enumerate(percentiles)}, index=pd.Index(years, name="year"))


def lever_contributions(scenario: Scenario, base: BaseState, year: int, horizon: int = 2050,
                        reference: pd.DataFrame | None = None) -> pd.Series:
    """Emissions avoided in ``year`` by each lever versus the scenario's own trend [t CO2e].

    Levers are switched on one after the other in :data:`LEVER_ORDER`; each is credited with the
    drop it adds (sequential attribution: the sum equals the total reduction exactly, the order
    matters when levers overlap, e.g. renovation before heating switch). The complement to the
    reference trajectory, if any, is the last item.
    """
    col = year - base.year
    out, on = {}, []
    previous = simulate(scenario, base, horizon, levers=(), apply_target=False).total_emissions()[0, col]
    for lever in [lv for lv in LEVER_ORDER if lv in scenario.levers]:
        on.append(lever)
        now = simulate(scenario, base, horizon, levers=tuple(on), apply_target=False).total_emissions()[0, col]
        out[lever] = previous - now
        previous = now
    if scenario.target == "trajectoire_reference":
        out["complement"] = float(uncovered_by_sector(scenario, base, year, horizon, reference).sum())
    return pd.Series(out, name="evite_tco2e")


def uncovered_by_sector(scenario: Scenario, base: BaseState, year: int, horizon: int = 2050,
                        reference: pd.DataFrame | None = None) -> pd.Series:
    """The effort no lever covers in ``year``, by sector [t CO2e] (central values): what a scenario with
    a target must still remove to hold each sector to the reference trajectory (``complement`` of
    :func:`simulate`). Empty for a scenario without a target. Its sum is the last item of
    :func:`lever_contributions`."""
    if scenario.target != "trajectoire_reference":
        return pd.Series(dtype=float, name="non_couvert_tco2e")
    full = simulate(scenario, base, horizon, reference=reference)
    col = year - base.year
    return pd.Series({s: float(v[0, col]) for s, v in full.complement.items()}, name="non_couvert_tco2e")
