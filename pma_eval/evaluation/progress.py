"""Pace verdicts: one rule for every target — the linear trajectory to the target — with Eurostat's
method and the UN ratio as cross-checks.

The rule (stated once here, printed in the reports' methods by :data:`RULE_FR`)
------------------------------------------------------------------------------
- **Name.** « Trajectoire linéaire jusqu'à l'objectif »: the straight path from the start of the period
  to the target, the usual path of French national and regional trajectories (SNBC budgets, SRADDET
  milestones). It is *not* Eurostat's method: it borrows Eurostat's periods and ratio thresholds, but
  measures paces linearly. Eurostat's own method (compound rates) is available as
  ``assess_progress(..., rule="eurostat")`` and printed beside the headline verdicts as a cross-check.
- **Periods.** As Eurostat does, the pace is assessed over the *short term*, the last
  :data:`SHORT_TERM_YEARS` years of the series, and, where the series allows it, over the *long term*,
  the last :data:`LONG_TERM_YEARS` years (at least :data:`LONG_TERM_MIN_YEARS` years of data). The
  period is returned with every verdict (``start_year``–``end_year``) and printed beside it.
- **Paces.** In the indicator's own unit per year (``observed_slope``: t CO₂e/an, MWh/an, points/an
  for a share), and, for the record, relative to the value at the start of the period
  (``observed_rate = slope / |start|``, :func:`pace_rate`). Both give the same ratio.
- **With a quantified target** (an absolute level in the indicator's unit): ``ratio = observed slope /
  required slope``, the required slope running from the start of the period to the target year.
  ≥ 95 % significant progress, 60–95 % moderate, 0–60 % insufficient, < 0 movement away (Eurostat's
  thresholds). ``still_required_slope`` is the pace still needed from the latest year: the one meaning
  of « il faut encore » in the reports.
- **Without a target**: the observed rate in the desired direction: ≥ 1 %/yr significant progress,
  0–1 % moderate progress, −1 %–0 moderate movement away, < −1 % significant movement away.
- **Choices where the method is silent**: ``target_achieved`` when the latest value meets the target
  and the short-term pace does not move away from it; ``achieved_then_away`` ("atteint puis en
  hausse") when it meets the target but moves away; a target whose year is past is « tenu » or
  « non tenu » by the value of that year, with no required pace.
- The UN "anticipated progress" ratio ``Q`` is a *simplified cross-check* only: the latest value
  extrapolated at the observed pace to the target year.

Eurostat's method (``rule="eurostat"``)
--------------------------------------
Compound annual growth rates: observed ``(x_t / x_t0) ** (1 / (t − t0)) − 1`` and required
``(x_target / x_t0) ** (1 / (T − t0)) − 1``; the same thresholds on their ratio; without a target, the
same thresholds on the observed compound rate. Undefined for a target of zero or non-positive values
(``not_assessable``). Eurostat (2023), *Sustainable development in the European Union — Monitoring
report on progress towards the SDGs in an EU context*, Annex II "Methodological notes".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .rates import linear_rate

#: Length of the short-term period [years] (Eurostat: the last five years).
SHORT_TERM_YEARS = 5
#: Length of the long-term period [years] (Eurostat: the last fifteen years) …
LONG_TERM_YEARS = 15
#: … assessed only when the series covers at least this many years of it.
LONG_TERM_MIN_YEARS = 10
#: Ratio thresholds with a target, rate thresholds without (fractions).
RATIO_SIGNIFICANT, RATIO_MODERATE = 0.95, 0.60
RATE_SIGNIFICANT = 0.01

CATEGORY_LABELS_FR = {
    "target_achieved": "objectif atteint",
    "achieved_then_away": "atteint puis en recul",
    "target_missed": "objectif manqué",
    "significant_progress": "progrès significatif",
    "moderate_progress": "progrès modéré",
    "insufficient_progress": "progrès insuffisant",
    "movement_away": "éloignement de l'objectif",
    "moderate_movement_away": "éloignement modéré",
    "significant_movement_away": "éloignement significatif",
    "to_verify": "objectif à vérifier",
    "not_assessable": "non évaluable",
}

#: Traffic light (French colour name, hex, text) and arrow by category. The text always
#: accompanies the colour: information is never carried by colour alone.
_LIGHTS = {
    "target_achieved": ("vert", "#1b7837", "✔"),
    "achieved_then_away": ("orange", "#e08214", "✔↘"),
    "target_missed": ("rouge", "#b2182b", "✘"),
    "significant_progress": ("vert", "#1b7837", "↑"),
    "moderate_progress": ("vert clair", "#7fbf7b", "↗"),
    "insufficient_progress": ("orange", "#e08214", "→"),
    "moderate_movement_away": ("orange", "#e08214", "↘"),
    "movement_away": ("rouge", "#b2182b", "↓"),
    "significant_movement_away": ("rouge", "#b2182b", "↓"),
    "to_verify": ("gris", "#777777", "?"),
    "not_assessable": ("gris", "#777777", "?"),
}

#: Order of merit of the categories (better first): a harder target never ranks better.
CATEGORY_ORDER = ("target_achieved", "achieved_then_away", "significant_progress", "moderate_progress",
                  "insufficient_progress", "movement_away", "target_missed")

UN_LABELS_FR = {
    "on_track": "sur la trajectoire",
    "fair_progress": "progrès notable mais insuffisant",
    "limited_progress": "progrès limité",
    "deterioration": "dégradation",
}

TERM_LABELS_FR = {"short": "court terme", "long": "long terme", "series": "série entière"}

#: Name of the rule, printed beside verdicts where a label must say which rule gave them.
RULE_NAME_FR = "trajectoire linéaire jusqu'à l'objectif"
#: The one rate language of every report, in one line (printed near the first verdict).
RATES_FR = ("Rythmes en unité de l'indicateur par an (points/an pour une part), en ligne droite ; le rythme "
            "nécessaire va du début de la période du verdict à l'objectif, le rythme encore nécessaire de la "
            "dernière année connue à l'objectif.")

#: The rule in French, for the methods section of every report.
RULE_FR = (
    f"Verdicts : règle de la {RULE_NAME_FR}, le chemin habituel des trajectoires nationales et régionales "
    f"françaises. Le rythme est mesuré sur le court terme (les {SHORT_TERM_YEARS} dernières années) et, quand la "
    f"série le permet (au moins {LONG_TERM_MIN_YEARS} ans), sur le long terme ({LONG_TERM_YEARS} dernières années) ; "
    "la période est indiquée à côté de chaque verdict. Le rythme observé, en unité de l'indicateur par an, est "
    "comparé au rythme nécessaire pour aller en ligne droite du début de la période à l'objectif : rapport ≥ 95 %, "
    "progrès significatif ; de 60 à 95 %, progrès modéré ; de 0 à 60 %, progrès insuffisant ; négatif, éloignement "
    "de l'objectif (seuils d'Eurostat). Sans objectif chiffré : au moins 1 %/an dans le sens souhaité, progrès "
    "significatif ; de 0 à 1 %, progrès modéré ; de −1 % à 0, éloignement modéré ; au-delà, éloignement "
    "significatif. Un objectif déjà atteint dont l'indicateur repart dans le mauvais sens est dit « atteint puis "
    "en recul » ; un objectif dont l'année est passée est « tenu » ou « non tenu » selon la valeur de cette année ; "
    "un plafond (PRÉPA) est jugé chaque année où il s'applique. Contrôle croisé : la méthode d'Eurostat (taux "
    "annuels composés, mêmes seuils) donne un rapport plus sévère pour les objectifs profonds ; il est imprimé à "
    "côté des verdicts phares. La projection à rythme constant (rapport Q des Nations unies) n'est qu'un contrôle "
    "simplifié."
)


def traffic_light(category: str) -> tuple[str, str, str]:
    """(French colour name, hex colour, arrow) of a category, for reports."""
    return _LIGHTS[category]


def pace_rate(first_value: float, last_value: float, years: float) -> float:
    """The one rate convention of every verdict: linear average annual change relative to the start.

    ``(last − first) / |first| / years`` [fraction per year]; defined for a zero or negative end value.
    """
    return linear_rate(first_value, last_value, years)


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
    term: str = "series"  # "short", "long" or "series" (a start year given by the caller)
    target_value: float | None = None
    target_year: int | None = None
    required_rate: float | None = None
    ratio: float | None = None
    still_required_rate: float | None = None
    un_projected: float | None = None
    un_q: float | None = None
    un_category: str | None = None
    rule: str = "linear"  # "linear" (trajectoire linéaire jusqu'à l'objectif) or "eurostat"

    @property
    def observed_slope(self) -> float:
        """Observed pace in the indicator's unit per year (points/yr for a share)."""
        return (self.end_value - self.start_value) / (self.end_year - self.start_year)

    @property
    def required_slope(self) -> float:
        """Pace needed from the start of the period to the target [unit/yr] (NaN without a pending target)."""
        if self.target_value is None or self.required_rate is None or self.required_rate != self.required_rate:
            return math.nan
        return (self.target_value - self.start_value) / (self.target_year - self.start_year)

    @property
    def still_required_slope(self) -> float:
        """Pace still needed from the latest year to the target [unit/yr] (NaN when the target year is past)."""
        if self.target_value is None or self.target_year is None or self.target_year <= self.end_year:
            return math.nan
        return (self.target_value - self.end_value) / (self.target_year - self.end_year)

    @property
    def light(self) -> tuple[str, str, str]:
        return traffic_light(self.category)

    @property
    def period(self) -> str:
        """``2018-2023`` (the years the observed rate is measured over)."""
        return f"{self.start_year}-{self.end_year}"


def _round(x: float) -> float:
    return round(x, 12)


def un_extrapolation(base_value: float, latest_value: float, observed_rate: float, latest_year: int,
                     target_value: float, target_year: int) -> tuple[float, float, str]:
    """UN-style simplified cross-check: value projected to the target year at the current pace.

    The pace is :func:`pace_rate`'s (a yearly change relative to ``|base_value|``). Returns
    ``(projected, Q, category)`` with ``Q = (projected − base) / (target − base)``: ``on_track``
    (Q ≥ 1), ``fair_progress`` (0,5 ≤ Q < 1), ``limited_progress`` (0 ≤ Q < 0,5), ``deterioration``
    (Q < 0).

    References
    ----------
    UN ESCAP, *Asia and the Pacific SDG Progress Report*, methodology: "anticipated progress"
    ratio of the projected change to the required change.
    """
    n = target_year - latest_year
    projected = latest_value + observed_rate * abs(base_value) * n
    if target_value == base_value:
        return projected, math.nan, "on_track" if projected == target_value else "deterioration"
    q = (projected - base_value) / (target_value - base_value)
    q_r = _round(q)
    cat = ("on_track" if q_r >= 1 else "fair_progress" if q_r >= 0.5 else
           "limited_progress" if q_r >= 0 else "deterioration")
    return projected, q, cat


def period_start(series: pd.Series, years: int, min_years: int | None = None) -> int | None:
    """First year of the last ``years`` years of ``series`` (missing values dropped), or None when the
    series covers fewer than ``min_years`` of them (default: all ``years``)."""
    s = series.dropna()
    if s.empty:
        return None
    end = int(s.index.max())
    inside = s.loc[s.index >= end - years]
    start = int(inside.index.min())
    return start if end - start >= (years if min_years is None else min_years) else None


def _label(category: str, direction: str, target_year: int | None = None, past: bool = False) -> str:
    if category == "achieved_then_away":
        return "objectif atteint puis en " + ("hausse" if direction == "decrease" else "baisse")
    if past:  # a target whose year is past is kept or missed in that year, with no pace
        return f"objectif {'tenu' if category == 'target_achieved' else 'non tenu'} en {target_year}"
    return CATEGORY_LABELS_FR[category]


RULES = ("linear", "eurostat")


def _ratio_category(ratio: float) -> str:
    r = _round(ratio)
    return ("significant_progress" if r >= RATIO_SIGNIFICANT else "moderate_progress" if r >= RATIO_MODERATE else
            "insufficient_progress" if r >= 0 else "movement_away")


def _rate_category(signed_rate: float) -> str:
    r = _round(signed_rate)
    return ("significant_progress" if r >= RATE_SIGNIFICANT else "moderate_progress" if r >= 0 else
            "moderate_movement_away" if r >= -RATE_SIGNIFICANT else "significant_movement_away")


def assess_progress(series: pd.Series, direction: str, target_value: float | None = None,
                    target_year: int | None = None, start_year: int | None = None,
                    years: int | None = SHORT_TERM_YEARS, rule: str = "linear") -> ProgressResult:
    """Verdict on the pace of an indicator (the rule of this module, or Eurostat's).

    Parameters
    ----------
    series : Series
        Values indexed by year; missing values are dropped.
    direction : {"increase", "decrease"}
        The desired direction of the indicator.
    target_value, target_year : float, int, optional
        A quantified target (absolute value, in the unit of the series) and its year.
    start_year : int, optional
        First year of the assessment period, for an analyst's own period (``term = "series"``).
    years : int, optional
        Length of the period when ``start_year`` is not given: the last ``years`` years
        (default :data:`SHORT_TERM_YEARS`; ``None`` for the whole series).
    rule : {"linear", "eurostat"}
        ``linear``: the trajectoire linéaire jusqu'à l'objectif of this module (rates relative to the
        start, ratio of slopes). ``eurostat``: Eurostat's compound annual growth rates (observed and
        required from the start of the period) with the same thresholds; ``not_assessable`` when a
        compound rate is undefined (target of zero, non-positive values).

    Returns
    -------
    ProgressResult
        Category, its French label, the period, observed and required rates [fraction per year],
        the ratio, the rate still required from the latest year, and the UN cross-check; the paces in
        the indicator's unit per year are its ``*_slope`` properties.

    References
    ----------
    Eurostat (2023). *Sustainable development in the European Union — Monitoring report on
    progress towards the SDGs in an EU context*, Annex II "Methodological notes".
    """
    if direction not in ("increase", "decrease"):
        raise ValueError("direction must be 'increase' or 'decrease'")
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}")
    full = series.dropna().astype(float).sort_index()
    s, term = full, "series"
    if start_year is not None:
        s = full.loc[full.index >= start_year]
    elif years is not None and len(full):
        s, term = full.loc[full.index >= int(full.index.max()) - years], ("short" if years == SHORT_TERM_YEARS else
                                                                           "long" if years == LONG_TERM_YEARS else "series")
    if len(s) < 2:
        raise ValueError("at least two years are needed to assess progress")
    y0, y1 = int(s.index[0]), int(s.index[-1])
    v0, v1 = float(s.iloc[0]), float(s.iloc[-1])
    sign = 1.0 if direction == "increase" else -1.0
    if v0 == 0:
        raise ValueError("a zero start value makes every rate undefined; choose another period")
    if rule == "eurostat":
        return _eurostat(full, direction, sign, y0, y1, v0, v1, term, target_value, target_year)
    observed = pace_rate(v0, v1, y1 - y0)

    if target_value is None:
        cat = _rate_category(sign * observed)
        return ProgressResult(cat, _label(cat, direction), direction, y0, y1, v0, v1, observed, term)

    if target_year is None:
        raise ValueError("a target needs a target year")
    if target_year <= y1:
        # A target whose year is past: the value of that year decides (« tenu » / « non tenu »), no pace.
        at = float(full.get(target_year, math.nan))
        if at != at:
            at = v1
        cat = "target_achieved" if sign * (at - target_value) >= 0 else "target_missed"
        return ProgressResult(cat, _label(cat, direction, target_year, past=True), direction, y0, y1, v0, v1,
                              observed, term, float(target_value), int(target_year), math.nan, math.nan, math.nan)
    required = pace_rate(v0, target_value, target_year - y0) if target_year > y0 else math.nan
    still = pace_rate(v1, target_value, target_year - y1) if v1 != 0 else math.nan
    projected, q, un_cat = un_extrapolation(v0, v1, observed, y1, target_value, target_year)
    ratio = observed / required if required == required and required != 0 else math.nan
    if sign * (v1 - target_value) >= 0:
        cat = "target_achieved" if sign * observed >= 0 else "achieved_then_away"
    elif required != required or sign * required <= 0:
        # The start already met the target; the latest value no longer does.
        cat, ratio = "movement_away", math.nan
    else:
        cat = _ratio_category(ratio)
    return ProgressResult(cat, _label(cat, direction), direction, y0, y1, v0, v1, observed, term,
                          float(target_value), int(target_year), required, ratio, still, projected, q, un_cat)


def _eurostat(full: pd.Series, direction: str, sign: float, y0: int, y1: int, v0: float, v1: float, term: str,
              target_value: float | None, target_year: int | None) -> ProgressResult:
    """Eurostat's method: compound annual growth rates, the same thresholds (see the module docstring)."""
    from .rates import cagr

    if v0 <= 0 or v1 <= 0:
        return ProgressResult("not_assessable", CATEGORY_LABELS_FR["not_assessable"], direction, y0, y1, v0, v1,
                              math.nan, term, target_value, target_year, rule="eurostat")
    observed = cagr(v0, v1, y1 - y0)
    if target_value is None:
        cat = _rate_category(sign * observed)
        return ProgressResult(cat, _label(cat, direction), direction, y0, y1, v0, v1, observed, term, rule="eurostat")
    if target_year is None:
        raise ValueError("a target needs a target year")
    if target_year <= y1:
        at = float(full.get(target_year, v1))
        cat = "target_achieved" if sign * (at - target_value) >= 0 else "target_missed"
        return ProgressResult(cat, _label(cat, direction, target_year, past=True), direction, y0, y1, v0, v1,
                              observed, term, float(target_value), int(target_year), math.nan, math.nan, math.nan,
                              rule="eurostat")
    if target_value <= 0:
        return ProgressResult("not_assessable", CATEGORY_LABELS_FR["not_assessable"], direction, y0, y1, v0, v1,
                              observed, term, float(target_value), int(target_year), rule="eurostat")
    required = cagr(v0, target_value, target_year - y0)
    still = cagr(v1, target_value, target_year - y1)
    ratio = observed / required if required != 0 else math.nan
    if sign * (v1 - target_value) >= 0:
        cat = "target_achieved" if sign * observed >= 0 else "achieved_then_away"
    elif sign * required <= 0:
        cat, ratio = "movement_away", math.nan
    else:
        cat = _ratio_category(ratio)
    return ProgressResult(cat, _label(cat, direction), direction, y0, y1, v0, v1, observed, term,
                          float(target_value), int(target_year), required, ratio, still, rule="eurostat")


def assess_terms(series: pd.Series, direction: str, target_value: float | None = None,
                 target_year: int | None = None, short: int = SHORT_TERM_YEARS, long: int = LONG_TERM_YEARS,
                 long_min: int = LONG_TERM_MIN_YEARS, rule: str = "linear") -> dict[str, ProgressResult | None]:
    """Short-term and long-term verdicts (``{"short": …, "long": … or None}``).

    The long term is assessed only when the series covers at least ``long_min`` of its ``long`` years.
    """
    out: dict[str, ProgressResult | None] = {}
    for term, years, minimum in (("short", short, 1), ("long", long, long_min)):
        start = period_start(series, years, minimum)
        if start is None:
            out[term] = None
            continue
        r = assess_progress(series, direction, target_value, target_year, start_year=start, rule=rule)
        out[term] = ProgressResult(**{**r.__dict__, "term": term})
    return out
