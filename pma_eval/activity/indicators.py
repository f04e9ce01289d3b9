"""Indicators of the networks the Pôle animates and of the journey from commitments to actions.

Pure functions over the pseudonymised activity tables; one tidy table with the same columns as
the other indicators (``indicator_id, geo_level, geo_code, year, value, unit, nature``), at the
Pôle level (events also by EPCI).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .perimeter import concretisation, started_by
from .schema import ORG_TYPES, PRIORITY_PUBLICS, STARTED


def shannon(counts: pd.Series) -> tuple[float, float]:
    """Shannon index ``H = −Σ p ln p`` [nats] and its evenness ``H / ln K`` (K = number of categories
    of the closed list, so that evenness is comparable from year to year).

    References
    ----------
    Shannon, C. E. (1948). A mathematical theory of communication. Pielou, E. C. (1966) for evenness.
    """
    c = counts[counts > 0].astype(float)
    if c.empty:
        return math.nan, math.nan
    p = c / c.sum()
    h = float(-(p * np.log(p)).sum())
    return h, h / math.log(len(ORG_TYPES))


def _territory_codes() -> tuple[str, dict[str, str]]:
    """The whole territory's code and its EPCIs' short name → SIREN, from the declaration in use."""
    from ..config import get_paths
    from ..declaration import in_use_or_default

    paths = get_paths()
    decl = in_use_or_default(paths)
    if decl is None:
        return paths.territory.upper(), {}
    return decl.code, {str(e.get("nom_court") or e.get("siren")): str(e.get("siren")) for e in decl.epcis}


def activity_indicators(events: pd.DataFrame, parts: pd.DataFrame, projects: pd.DataFrame,
                        strategy: pd.DataFrame, actions: pd.DataFrame, nature: str = "observed",
                        epci_codes: dict[str, str] | None = None, whole_code: str | None = None) -> pd.DataFrame:
    """Compute every activity indicator for every year covered by the events.

    ``epci_codes``: short name → SIREN of the territory's EPCIs (default: those of the declaration in use);
    ``whole_code``: the whole territory's code, its rows' ``geo_code`` (default: the declaration in use's, « PMA »
    for the default territory)."""
    if epci_codes is None or whole_code is None:
        code_of_whole, declared_epcis = _territory_codes()
        whole_code = whole_code or code_of_whole
        members = dict(declared_epcis) if epci_codes is None else epci_codes
    else:
        members = epci_codes
    rows = []

    def add(iid, year, value, unit, level="pma", code=whole_code):
        rows.append((iid, level, code, int(year), float(value), unit, nature))

    ev = events.assign(year=events["date"].dt.year)
    pa = parts.merge(ev[["event_id", "year"]], on="event_id", how="inner")
    years = sorted(ev["year"].unique())
    seen_people: set[str] = set()
    seen_orgs: set[str] = set()
    for y in years:
        e_y = ev.loc[ev["year"] == y]
        add("evenements_total", y, len(e_y), "nombre")
        add("evenements_grand_forum", y, (e_y["type"] == "Grand Forum").sum(), "nombre")
        add("evenements_rencontres", y, (e_y["type"] == "Rencontres du forum").sum(), "nombre")
        add("evenements_autres", y, (~e_y["type"].isin(["Grand Forum", "Rencontres du forum"])).sum(), "nombre")
        if epci_codes:
            for sigle, siren in epci_codes.items():
                add("evenements_total", y, (e_y["epci"] == sigle).sum(), "nombre", "epci", siren)
        covered = set(e_y["epci"]) & set(members)
        if members:
            add("couverture_epci", y, 100 * len(covered) / len(members), "%")
        p_y = pa.loc[pa["year"] == y]
        people = set(p_y["person_id"])
        orgs = set(p_y["organisation"])
        add("participations_total", y, len(p_y), "nombre")
        add("participants_uniques", y, len(people), "nombre")
        add("organisations_uniques", y, len(orgs), "nombre")
        add("organisations_nouvelles", y, len(orgs - seen_orgs), "nombre")
        if seen_people:
            add("part_participants_fideles", y, 100 * len(people & seen_people) / max(len(people), 1), "%")
        seen_people |= people
        seen_orgs |= orgs
        per_person = p_y.drop_duplicates("person_id")
        h, j = shannon(per_person["org_type"].value_counts())
        add("diversite_shannon", y, h, "nats")
        add("diversite_equitabilite", y, j, "indice")
        for public, types in PRIORITY_PUBLICS.items():
            share = per_person["org_type"].isin(types).mean() * 100 if len(per_person) else math.nan
            add(f"part_public_{public.replace('é', 'e')}", y, share, "%")
        labelled = projects.loc[(projects["labelled"].dt.year <= y) & (projects["status"] != "candidat")]
        add("projets_labellises", y, len(labelled), "nombre")
        add("projets_realises", y, int((labelled["status"] == "réalisé").sum()), "nombre")
        if epci_codes:
            for sigle, siren in epci_codes.items():
                add("projets_labellises", y, int((labelled["epci"] == sigle).sum()), "nombre", "epci", siren)
        started = started_by(actions, y)
        commitments = set(strategy["commitment_id"])
        if commitments:
            engaged = set(started.loc[started["status"].isin(STARTED), "commitment_id"])
            add("taux_engagements_engages", y, 100 * len(engaged & commitments) / len(commitments), "%")
            add("taux_concretisation", y, concretisation(strategy, actions, y).rate, "%")
        planned = started["budget_planned"].sum()
        if planned > 0:
            add("execution_budgetaire", y, 100 * started["budget_spent"].sum() / planned, "%")
    return pd.DataFrame(rows, columns=["indicator_id", "geo_level", "geo_code", "year", "value", "unit", "nature"])


def participation_by_org_type(events: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """Unique participants by year (rows) and organisation type (columns)."""
    pa = parts.merge(events.assign(year=events["date"].dt.year)[["event_id", "year"]], on="event_id")
    return (pa.drop_duplicates(["year", "person_id"]).pivot_table(index="year", columns="org_type", values="person_id",
                                                                  aggfunc="count", fill_value=0)
            .reindex(columns=[t for t in ORG_TYPES], fill_value=0))


def small_count(n: float, threshold: int = 5) -> str:
    """Published counts under 5 are suppressed (statistical confidentiality of people): « < 5 »."""
    from .. import fmt

    if n != n:
        return fmt.MISSING
    return "< 5" if 0 < n < threshold else fmt.number(n)
