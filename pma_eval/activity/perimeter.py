"""Perimeter of the activity records: which territory an action, an event or a project belongs to.

The strategy (axes and commitments) is the whole territory's. Events and labelled projects name their EPCI in
their ``epci`` column (the short name of one of its EPCIs, or the whole territory's code, :data:`POLE`, for the
whole). An action belongs to the EPCI named in its optional ``epci`` column; when the column is absent or empty, to
the EPCI its pilot is or lies in: the EPCI itself (its short or full name) or one of its communes (« Ville de X »,
« Commune d'X », « X »). Any other pilot (an association, the whole territory, a company) makes it an action of the
whole territory (:data:`POLE`).

An EPCI's own records are then its events and their participations, its projects, its actions and
the commitments its actions serve (« les engagements du territoire auxquels elle contribue »).

Pure functions over the pseudonymised activity tables.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd



def whole_code() -> str:
    """The code of the whole territory in the ``epci`` columns of the registers: its ``geo_code``
    (:attr:`pma_eval.territory.Whole.code`) in the territory in use."""
    from ..declaration import whole_in_use

    return whole_in_use().code


def __getattr__(name: str):
    # POLE, the whole territory's code, is the declaration's in use: computed when asked for
    if name == "POLE":
        return whole_code()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Words before a commune's name in a pilot (normalised: no accents, lower case, apostrophes as spaces).
COMMUNE_PREFIXES = ("ville de ", "ville d ", "commune de ", "commune d ", "mairie de ", "mairie d ")


def normalise(text: object) -> str:
    """Accents, case, hyphens and apostrophes removed: « Ville d'Hénin-Beaumont » → ``ville d henin beaumont``."""
    spaced = re.sub(r"[\W_]+", " ", str(text or ""))  # before the accents go: « d’Hénin » keeps its space
    spaced = spaced.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    ascii_ = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    return " ".join(ascii_.split())


def pilot_lookup(communes: pd.DataFrame, epcis: pd.DataFrame) -> dict[str, str]:
    """Normalised names (communes, EPCI acronyms and names) → the EPCI acronym they belong to."""
    out = {normalise(n): s for n, s in zip(communes["nom"], communes["epci_sigle"])}
    out |= {normalise(s): s for s in epcis["epci_sigle"]}
    if "epci_nom" in epcis:
        out |= {normalise(n): s for n, s in zip(epcis["epci_nom"], epcis["epci_sigle"]) if n == n}
    return out


def pilot_territory(pilot: object, lookup: dict[str, str]) -> str:
    """The EPCI acronym a pilot is or lies in, else :data:`POLE`."""
    name = _pilot_key(pilot)
    return lookup[name] if name in lookup else whole_code()


def _pilot_key(pilot: object) -> str:
    """A pilot's normalised name, without a « Ville de » or « Commune d' » before a commune's name."""
    name = normalise(pilot)
    for prefix in COMMUNE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def action_territories(actions: pd.DataFrame, lookup: dict[str, str]) -> pd.Series:
    """Per action, the EPCI acronym it belongs to (its ``epci`` column when filled, else its pilot's) or
    :data:`POLE`."""
    whole = whole_code()
    by_pilot = (actions["pilot"].map(lambda p: lookup.get(_pilot_key(p), whole)) if "pilot" in actions else whole)
    if "epci" not in actions:
        return pd.Series(by_pilot, index=actions.index, dtype=object)
    given = actions["epci"].fillna("").astype(str).str.strip()
    return given.where(given != "", by_pilot)


def with_territory(activity: dict[str, pd.DataFrame], lookup: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The registers, the actions with a ``territory`` column (:func:`action_territories`)."""
    actions = activity["actions"]
    return {**activity, "actions": actions.assign(territory=action_territories(actions, lookup))}


def restrict(activity: dict[str, pd.DataFrame], sigle: str, lookup: dict[str, str]) -> dict[str, pd.DataFrame]:
    """An EPCI's own records: events held in it and their participations, its labelled projects, its
    actions (with their ``territory``) and the Pôle's commitments those actions serve."""
    act = with_territory(activity, lookup)
    events = act["events"].loc[act["events"]["epci"] == sigle]
    actions = act["actions"].loc[act["actions"]["territory"] == sigle]
    return {**act, "events": events,
            "participations": act["participations"].loc[act["participations"]["event_id"].isin(events["event_id"])],
            "projects": act["projects"].loc[act["projects"]["epci"] == sigle],
            "actions": actions,
            "strategy": act["strategy"].loc[act["strategy"]["commitment_id"].isin(actions["commitment_id"])]}


@dataclass(frozen=True)
class Concretisation:
    """Commitments with at least one action « réalisé » by a year, among the commitments counted."""

    done: int
    total: int
    idle: pd.DataFrame  # the commitments (strategy rows) without a completed action

    @property
    def rate(self) -> float:
        """Share of the commitments counted [%], NaN when none is counted."""
        return 100 * self.done / self.total if self.total else float("nan")


def started_by(actions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Actions started by the end of ``year`` (an action without a start date counts as started)."""
    return actions.loc[actions["start"].isna() | (actions["start"] <= pd.Timestamp(f"{int(year)}-12-31"))]


def concretisation(strategy: pd.DataFrame, actions: pd.DataFrame, year: int) -> Concretisation:
    """The commitments of ``strategy`` with an action « réalisé » among ``actions`` started by ``year``."""
    done = set(started_by(actions, year).query("status == 'réalisé'")["commitment_id"])
    mine = strategy["commitment_id"].isin(done)
    return Concretisation(int(mine.sum()), len(strategy), strategy.loc[~mine])
