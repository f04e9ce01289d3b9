"""Pace verdicts following the Eurostat SDG method, with the UN extrapolation cross-check.

Eurostat (methodological annex of the EU SDG monitoring report):
- with a quantified target, the observed compound annual rate over the assessment period is
  compared with the rate required, from the start of that period, to reach the target in the
  target year: ``ratio = observed / required``; ≥ 95 % significant progress, 60–95 % moderate
  progress, 0–60 % insufficient progress, < 0 movement away;
- without a target, the observed rate taken in the desired direction: ≥ 1 %/yr significant
  progress, 0–1 % moderate progress, −1 %–0 moderate movement away, < −1 % significant movement
  away.

Choices of this workbench, where the method is silent:
- ``target_achieved`` when the latest value already meets the target;
- when a value used in a rate is zero or negative, compound rates are undefined: the linear
  equivalents (change relative to ``|start value|``, per year) are used and ``method`` says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .rates import cagr, linear_rate

CATEGORY_LABELS_FR = {
    "target_achieved": "objectif atteint",
    "significant_progress": "progrès significatif",
    "moderate_progress": "progrès modéré",
    "insufficient_progress": "progrès insuffisant",
    "movement_away": "éloignement de l'objectif",
    "moderate_movement_away": "éloignement modéré",
    "significant_movement_away": "éloignement significatif",
    "not_assessable": "non évaluable",
}

#: Traffic light (French colour name, hex, text) and arrow by category. The text always
#: accompanies the colour: information is never carried by colour alone.
_LIGHTS = {
    "target_achieved": ("vert", "#1b7837", "✔"),
    "significant_progress": ("vert", "#1b7837", "↑"),
    "moderate_progress": ("vert clair", "#7fbf7b", "↗"),
    "insufficient_progress": ("orange", "#e08214", "→"),
    "moderate_movement_away": ("orange", "#e08214", "↘"),
    "movement_away": ("rouge", "#b2182b", "↓"),
    "significant_movement_away": ("rouge", "#b2182b", "↓"),
    "not_assessable": ("gris", "#777777", "?"),
}

UN_LABELS_FR = {
    "on_track": "sur la trajectoire",
    "fair_progress": "progrès notable mais insuffisant",
    "limited_progress": "progrès limité",
    "deterioration": "dégradation",
}


def traffic_light(category: str) -> tuple[str, str, str]:
    """(French colour name, hex colour, arrow) of a category, for reports."""
    return _LIGHTS[category]


@dataclass(frozen=True)
class ProgressResult:
    category: str
    label_fr: str
    direction: str
    start_year: int
    end_year: int
    start_value: float
    end_value: float
    observed_rate: float
    method: str  # "compound" or "linear"
    target_value: float | None = None
    target_year: int | None = None
    required_rate: float | None = None
    ratio: float | None = None
    still_required_rate: float | None = None
    un_projected: float | None = None
    un_q: float | None = None
    un_category: str | None = None

    @property
    def light(self) -> tuple[str, str, str]:
        return traffic_light(self.category)


def _rate(a: float, b: float, years: float, method: str) -> float:
    return cagr(a, b, years) if method == "compound" else linear_rate(a, b, years)


def _round(x: float) -> float:
    return round(x, 12)


def un_extrapolation(base_value: float, latest_value: float, observed_rate: float, latest_year: int,
                     target_value: float, target_year: int, method: str = "compound") -> tuple[float, float, str]:
    """UN-style cross-check: value projected to the target year at the current pace.

    Returns ``(projected, Q, category)`` with ``Q = (projected − base) / (target − base)``:
    ``on_track`` (Q ≥ 1), ``fair_progress`` (0,5 ≤ Q < 1), ``limited_progress`` (0 ≤ Q < 0,5),
    ``deterioration`` (Q < 0).

    References
    ----------
    UN ESCAP, *Asia and the Pacific SDG Progress Report*, methodology: "anticipated progress"
    ratio of the projected change to the required change.
    """
    n = target_year - latest_year
    if method == "compound":
        projected = latest_value * (1 + observed_rate) ** n
    else:
        projected = latest_value + observed_rate * abs(base_value) * n
    if target_value == base_value:
        return projected, math.nan, "on_track" if projected == target_value else "deterioration"
    q = (projected - base_value) / (target_value - base_value)
    q_r = _round(q)
    cat = ("on_track" if q_r >= 1 else "fair_progress" if q_r >= 0.5 else
           "limited_progress" if q_r >= 0 else "deterioration")
    return projected, q, cat


def assess_progress(series: pd.Series, direction: str, target_value: float | None = None,
                    target_year: int | None = None, start_year: int | None = None) -> ProgressResult:
    """Verdict on the pace of an indicator (Eurostat SDG method).

    Parameters
    ----------
    series : Series
        Values indexed by year; missing values are dropped.
    direction : {"increase", "decrease"}
        The desired direction of the indicator.
    target_value, target_year : float, int, optional
        A quantified target (absolute value, in the unit of the series) and its year.
    start_year : int, optional
        First year of the assessment period (default: first year of the series).

    Returns
    -------
    ProgressResult
        Category, its French label, observed and required rates [fraction per year], the
        ratio, the rate still required from the latest year, and the UN cross-check.

    References
    ----------
    Eurostat (2023). *Sustainable development in the European Union — Monitoring report on
    progress towards the SDGs in an EU context*, Annex II "Methodological notes".
    """
    if direction not in ("increase", "decrease"):
        raise ValueError("direction must be 'increase' or 'decrease'")
    s = series.dropna().astype(float).sort_index()
    if start_year is not None:
        s = s.loc[s.index >= start_year]
    if len(s) < 2:
        raise ValueError("at least two years are needed to assess progress")
    y0, y1 = int(s.index[0]), int(s.index[-1])
    v0, v1 = float(s.iloc[0]), float(s.iloc[-1])
    sign = 1.0 if direction == "increase" else -1.0
    values = [v0, v1] + ([target_value] if target_value is not None else [])
    method = "compound" if all(v > 0 for v in values) else "linear"
    if v0 == 0:
        raise ValueError("a zero start value makes every rate undefined; choose another start_year")
    observed = _rate(v0, v1, y1 - y0, method)

    if target_value is None:
        r = _round(sign * observed)
        cat = ("significant_progress" if r >= 0.01 else "moderate_progress" if r >= 0 else
               "moderate_movement_away" if r >= -0.01 else "significant_movement_away")
        return ProgressResult(cat, CATEGORY_LABELS_FR[cat], direction, y0, y1, v0, v1, observed, method)

    if target_year is None or target_year <= y0:
        raise ValueError("a target needs a target year after the start of the assessment period")
    required = _rate(v0, target_value, target_year - y0, method)
    still = _rate(v1, target_value, target_year - y1, method) if target_year > y1 and v1 != 0 else math.nan
    projected, q, un_cat = un_extrapolation(v0, v1, observed, y1, target_value, target_year, method)
    achieved = sign * (v1 - target_value) >= 0
    if achieved:
        cat, ratio = "target_achieved", (observed / required if required else math.nan)
    elif required == 0 or sign * required < 0:
        # Moving from a start that already met the target to a value that no longer does.
        cat, ratio = "movement_away", math.nan
    else:
        ratio = observed / required
        r = _round(ratio)
        cat = ("significant_progress" if r >= 0.95 else "moderate_progress" if r >= 0.60 else
               "insufficient_progress" if r >= 0 else "movement_away")
    return ProgressResult(cat, CATEGORY_LABELS_FR[cat], direction, y0, y1, v0, v1, observed, method,
                          float(target_value), int(target_year), required, ratio, still, projected, q, un_cat)
