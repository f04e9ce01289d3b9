"""The options table of the scenario report: what each lever of a scenario asks, and of whom.

For each lever a scenario sets: the physical effort it asks each year (from the scenario's central
values), today's pace where the territory's data observe it (the verdicts' pace in the indicator's unit
per year, over the short term, consumption at normal climate where known), who holds the lever, and an
order-of-magnitude yearly cost where a referenced unit cost is entered
(``data/raw/referentiels/couts_unitaires_leviers.csv``, format ``couts_unitaires``).

Everything a lever needs here is declared once, in :data:`EFFORTS`, :data:`OBSERVED`,
:data:`NOT_OBSERVED` and :data:`HOLDERS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..evaluation.progress import SHORT_TERM_YEARS, period_start
from .model import LEVER_ORDER, parameters, ramp
from .scenarios import Scenario


@dataclass(frozen=True)
class Effort:
    """One parameter of a lever, read as an effort.

    ``kind`` is ``rate`` (a yearly quantity: dwellings, boilers, MWp per year) or ``share`` (a fraction
    reached at the end of the lever's ramp). ``what`` is the French text after the figure; ``unit``
    the unit a unit cost of a rate is given for (``€ par <unit>``).
    """

    key: str
    kind: str
    what: str
    unit: str = ""
    decrease: bool = False  # a share that removes something (shown with a minus sign)


EFFORTS: dict[str, tuple[Effort, ...]] = {
    "renovation": (Effort("logements_par_an", "rate", "logements rénovés par an", "logement"),),
    "chauffage": (Effort("chaudieres_fioul_par_an", "rate", "chaudières au fioul remplacées par an", "chaudière"),
                  Effort("chaudieres_gaz_par_an", "rate", "chaudières au gaz remplacées par an", "chaudière")),
    "photovoltaique": (Effort("toiture_mwc_par_an", "rate", "MWc en toiture par an", "MWc"),
                       Effort("sol_mwc_par_an", "rate", "MWc au sol par an", "MWc")),
    "mobilite": (Effort("report_modal", "share", "des kilomètres en voiture reportés"),
                 Effort("part_vehicules_electriques", "share", "des kilomètres en voiture faits en électrique"),
                 Effort("part_fret_decarbone", "share", "des carburants du fret remplacés")),
    "tertiaire": (Effort("reduction_consommation", "share", "de consommation", decrease=True),
                  Effort("part_fossile_convertie", "share", "du gaz et du fioul remplacés par des pompes à chaleur")),
    "industrie": (Effort("reduction_consommation", "share", "de consommation", decrease=True),
                  Effort("part_fossile_electrifiee", "share", "du gaz et du fioul électrifiés"),
                  Effort("reduction_procedes", "share", "d'émissions des procédés", decrease=True)),
    "agriculture": (Effort("reduction_consommation", "share", "de consommation", decrease=True),
                    Effort("reduction_non_energetique", "share", "d'émissions non énergétiques", decrease=True)),
    "dechets": (Effort("reduction", "share", "d'émissions", decrease=True),),
    "branche_energie": (Effort("reduction", "share", "d'émissions", decrease=True),),
}

#: What the territory's processed tables observe of each lever: (table, sector or technology, French
#: label). ``capacity`` is the installed capacity of the registry (yearly additions); ``energy`` a
#: sector's consumption, at normal climate where the corrected series covers it (as the verdicts);
#: ``emissions`` a sector's emissions — each as a pace in its own unit per year.
OBSERVED: dict[str, tuple[str, str, str]] = {
    "renovation": ("energy", "residentiel", "consommation résidentielle"),
    "chauffage": ("energy", "residentiel", "consommation résidentielle"),
    "photovoltaique": ("capacity", "solaire_pv", "puissance photovoltaïque raccordée"),
    "mobilite": ("energy", "transport_routier", "consommation du transport routier"),
    "tertiaire": ("energy", "tertiaire", "consommation du tertiaire"),
    "industrie": ("energy", "industrie_hors_energie", "consommation de l'industrie"),
    "agriculture": ("energy", "agriculture", "consommation de l'agriculture"),
    "dechets": ("emissions", "dechets", "émissions des déchets"),
    "branche_energie": ("emissions", "branche_energie", "émissions de la branche énergie"),
}

#: The physical effort no shipped table observes, and where it could be followed.
NOT_OBSERVED: dict[str, str] = {
    "renovation": "logements rénovés : non suivis (source possible : rénovations aidées de l'Anah par EPCI)",
    "chauffage": "chaudières remplacées : non suivies (source possible : pompes à chaleur aidées de l'Anah)",
    "mobilite": "part électrique du parc : non suivie (source possible : parc de véhicules du SDES par commune)",
}

#: Levers that produce energy: they avoid no emission of the territory's inventory (its electricity
#: is counted where it is consumed), so no avoided emissions are shown for them.
PRODUCTION_LEVERS = frozenset({"photovoltaique"})

#: Who holds each lever (competences and decisions), plain French.
HOLDERS: dict[str, str] = {
    "renovation": "ménages et bailleurs sociaux ; EPCI (programme local de l'habitat, guichet France Rénov') ; "
                  "État (aides de l'Anah)",
    "chauffage": "ménages et bailleurs ; communes et EPCI (réseaux de chaleur) ; État (aides)",
    "photovoltaique": "communes et EPCI (toitures publiques, urbanisme) ; entreprises, agriculteurs et ménages ; "
                      "État (tarifs d'achat)",
    "mobilite": "autorité organisatrice de la mobilité ; région (TER, cars) ; ménages et entreprises ; "
                "État (aides, normes)",
    "tertiaire": "entreprises ; communes et EPCI (patrimoine public, décret tertiaire)",
    "industrie": "entreprises industrielles ; État (quotas européens, aides à la décarbonation)",
    "agriculture": "exploitants agricoles ; chambre d'agriculture ; région (fonds européens agricoles)",
    "dechets": "EPCI (compétence déchets) ; ménages et entreprises",
    "branche_energie": "producteurs et gestionnaires d'énergie ; État",
}


def required_efforts(scenario: Scenario, base_year: int, horizon: int) -> pd.DataFrame:
    """The efforts a scenario sets (central values), one row per lever parameter not at zero.

    Columns ``lever, key, kind, what, unit, decrease, value, start, end, per_year``: ``value`` is the
    yearly quantity (rate) or the share reached in ``end`` (share); ``per_year`` is the rate's full
    pace, or the share divided by the years of its ramp (a fraction of the base year per year).
    """
    p = parameters(scenario)
    rows = []
    for lever in [lv for lv in LEVER_ORDER if lv in scenario.levers]:
        start = int(p.get(("leviers", lever, "debut"), base_year))
        end = int(p.get(("leviers", lever, "fin"), horizon))
        for e in EFFORTS[lever]:
            v = float(p.get(("leviers", lever, e.key), 0.0))
            if v == 0:
                continue
            per_year = v if e.kind == "rate" else v / max(end - start, 1)
            rows.append({"lever": lever, "key": e.key, "kind": e.kind, "what": e.what, "unit": e.unit,
                         "decrease": e.decrease, "value": v, "start": start, "end": end, "per_year": per_year})
    return pd.DataFrame(rows, columns=["lever", "key", "kind", "what", "unit", "decrease", "value", "start", "end",
                                       "per_year"])


def cumulated_quantity(scenario: Scenario, lever: str, key: str, base_year: int, year: int, horizon: int) -> float:
    """What a yearly quantity of a lever (dwellings, boilers, MWp per year; central value) adds up to
    from the year after ``base_year`` to ``year``: the pace times the ramp of each year, as the model
    accumulates it (:func:`pma_eval.prospective.model.simulate`). 0 when the scenario lacks the lever."""
    if lever not in scenario.levers:
        return 0.0
    p = parameters(scenario)
    years = range(base_year + 1, year + 1)
    r = ramp(list(years), p.get(("leviers", lever, "debut"), base_year), p.get(("leviers", lever, "fin"), horizon),
             p.get(("leviers", lever, "forme"), "lineaire"))
    return float(p.get(("leviers", lever, key), 0.0) * r.sum())


def observed_pace(series: pd.Series, kind: str, years: int = SHORT_TERM_YEARS) -> dict | None:
    """Today's pace of an observed series over the last ``years`` years.

    The mean yearly change in the series' unit (kW of capacity added, MWh, t CO₂e per year): the
    verdicts' pace in the indicator's own unit (:data:`pma_eval.evaluation.progress.RATES_FR`). None when
    the series covers fewer than ``years`` years. ``kind`` is kept for the callers' tables.
    """
    s = series.dropna().sort_index()
    start = period_start(s, years)
    if start is None:
        return None
    end = int(s.index.max())
    first, last = float(s.loc[start]), float(s.loc[end])
    return {"start": start, "end": end, "value": (last - first) / (end - start)}


def yearly_cost(efforts: pd.DataFrame, unit_costs: pd.DataFrame | None) -> pd.DataFrame:
    """Order-of-magnitude yearly cost of each lever whose every rate has a referenced unit cost.

    ``unit_costs`` has columns ``levier, parametre, cout_unitaire`` [€ per unit of the effort],
    ``annee_euros`` and ``reference_cout`` (its source). Share efforts have no unit; a lever with a rate but no unit cost
    gets no cost (never a partial sum). Returns ``lever, cost, sources`` (cost in € per year).
    """
    rates = efforts[efforts["kind"] == "rate"]
    if unit_costs is None or unit_costs.empty or rates.empty:
        return pd.DataFrame(columns=["lever", "cost", "sources"])
    m = rates.merge(unit_costs, left_on=["lever", "key"], right_on=["levier", "parametre"], how="left")
    out = []
    for lever, g in m.groupby("lever", sort=False):
        if g["cout_unitaire"].isna().any():
            continue
        sources = sorted({f"{r.reference_cout}, euros {int(r.annee_euros)}" for r in g.itertuples()})
        out.append({"lever": lever, "cost": float((g["per_year"] * g["cout_unitaire"]).sum()),
                    "sources": " ; ".join(sources)})
    return pd.DataFrame(out, columns=["lever", "cost", "sources"])
