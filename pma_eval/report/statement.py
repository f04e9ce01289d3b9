"""One statement per figure: an indicator of a territory in the report's year, computed once.

A :class:`Statement` holds what every product says about a headline figure: its value, unit, year,
nature and completeness, the one target the syntheses name (:func:`pma_eval.evaluation.headline_target`)
with its framework, the verdict, its period, the paces in the indicator's own unit per year, and
Eurostat's ratio as the cross-check. The key-figure page, the synthesis table, the key sentences, the
decision page and the visuals render from it, so that one indicator has one verdict everywhere.

Paces are written in one language (:data:`pma_eval.evaluation.progress.RATES_FR`): the change per
year in the indicator's display unit (« −70,2 kt CO₂e/an », « +0,5 point/an » for a share).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import fmt, maps
from ..evaluation import CATEGORY_LABELS_FR, assess_progress, headline_target
from ..evaluation.targets import named_framework, short_note
from ..vocabulary import PCAET, SECTOR_LABELS, UNITS
from .blocks import Verdict
from .context import ReportContext, _rows, series, value

#: Eurostat's categories in one or two words, for a narrow table column.
EUROSTAT_SHORT_FR = {"significant_progress": "significatif", "moderate_progress": "modéré",
                     "insufficient_progress": "insuffisant", "movement_away": "éloignement",
                     "moderate_movement_away": "éloignement modéré", "significant_movement_away": "éloignement",
                     "target_achieved": "atteint", "achieved_then_away": "atteint puis en recul",
                     "target_missed": "manqué"}
#: Header of the column that carries Eurostat's cross-check: a control beside the verdict, not a second verdict.
EUROSTAT_COLUMN_FR = "Contrôle Eurostat"
#: Label of a verdict given by the pace alone, when no verified target applies.
NO_TARGET_FR = "sans objectif vérifié"


@dataclass(frozen=True)
class Statement:
    """What every product says about one indicator of one territory in the report's year."""

    indicator_id: str
    title: str
    unit: str  # the catalogue's short unit (vocabulary.yml key)
    year: int
    value: float
    nature: str
    complete: bool
    verdict: Verdict
    target: pd.Series | None  # the verdict row of the one target named (None: no verified target)
    start_year: int | None = None
    end_year: int | None = None
    observed_slope: float = math.nan
    required_slope: float = math.nan
    still_required_slope: float = math.nan
    eurostat_ratio: float = math.nan
    eurostat_category: str | None = None

    @property
    def in_points(self) -> bool:
        """A share changes by points, not by a percentage of itself."""
        return self.unit == "%"

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}" if self.start_year is not None else ""

    @property
    def target_text(self) -> str:
        """« orientations SRADDET 2018 : −30 % en 2030 par rapport à 2015 », or « aucun objectif vérifié »."""
        if self.target is None:
            return "aucun objectif vérifié"
        note = short_note(self.target.get("note") or "")
        return (f"{named_framework(self.target['framework'], self.target['document'])} : "
                f"{self.target['description']}" + (f" ({note})" if note else ""))

    def shown(self, ctx: ReportContext | None = None) -> str:
        """The value in its display unit, « au moins … » when the total is incomplete."""
        from .context import display

        text = display(self.unit, self.value, ctx)
        return text if self.complete or text == fmt.MISSING else f"au moins {text}"

    @property
    def eurostat_cell(self) -> str:
        """Eurostat's verdict in a table cell: « modéré (91 %) », « atteint », or « sans objet »."""
        if self.eurostat_category is None or self.eurostat_category == "not_assessable":
            return "sans objet"
        short = EUROSTAT_SHORT_FR.get(self.eurostat_category, CATEGORY_LABELS_FR[self.eurostat_category])
        ratio = (f" ({fmt.percent(self.eurostat_ratio, 0)})" if self.eurostat_ratio == self.eurostat_ratio
                 and self.eurostat_category not in ("target_achieved", "achieved_then_away", "target_missed") else "")
        return short + ratio


#: Units that count whole things (inhabitants, installations, delivery points): their paces are whole numbers.
COUNTED = frozenset({"hab", "installations", "points de livraison", "nombre"})


def pace_text(unit: str, slope: float, signed: bool = True) -> str:
    """A pace in the display unit per year: « −70,2 kt CO₂e/an », « +0,54 point/an » (a share)."""
    if slope is None or slope != slope:
        return fmt.MISSING
    if unit == "%":  # a share moves by points (French: « point » below 2, « points » from 2)
        return _sig(slope, 2, signed) + "\u00a0point" + ("s" if abs(slope) >= 2 else "") + "/an"
    u = UNITS[unit]
    x, shown = slope * u.factor, u.display
    if unit in COUNTED:  # people, installations: whole numbers (« −43 hab/an », never « −42,7 hab/an »)
        if abs(x) < 0.5:
            return f"moins d’un\u00a0{shown}/an" if shown else "moins d’un par an"
        return fmt.number(x, 0, signed=signed) + (f"\u00a0{shown}" if shown else "") + "/an"
    if abs(x) < 1 and u.factor != 1:  # −4 t CO₂e/an rather than −0,004 kt CO₂e/an
        x, shown = slope, unit
    return _sig(x, 3, signed) + (f"\u00a0{shown}" if shown else "") + "/an"


def _sig(x: float, digits: int, signed: bool) -> str:
    """``digits`` significant digits, no trailing zeros: −70,24 → « −70,2 », −4,0 → « −4 », 1 234 → « 1 234 »."""
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    text = fmt.number_trimmed(round(x, decimals), decimals)
    return ("+" + text) if signed and x > 0 else text


def is_complete(ctx: ReportContext, iid: str, year: int | None = None, level: str | None = None,
                code: str | None = None) -> bool:
    """Is the territory's value of that year a complete total (no part missing in the sources)? ``level`` and
    ``code``: another territory of the report's table (default: the report's)."""
    if "complete" not in ctx.indicators:
        return True
    rows = _rows(ctx, iid, level, code)
    rows = rows.loc[rows.index == (year or ctx.year), "complete"]
    return bool(rows.astype(bool).all()) if len(rows) else True


def least(ctx: ReportContext, iid: str, year: int | None = None) -> str:
    """« au moins » (and a space) before an incomplete total in a sentence, else ''."""
    return "" if is_complete(ctx, iid, year) else "au moins "


def statement(ctx: ReportContext, iid: str) -> Statement:
    """The statement of one headline indicator (see the module docstring)."""
    ind = ctx.catalogue[iid]
    val, nat = value(ctx, iid)
    verdicts = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    best = headline_target(verdicts, iid, ctx.year) if len(verdicts) else None
    common = dict(indicator_id=iid, title=ind.short_title, unit=ind.short_unit, year=ctx.year, value=val,
                  nature=nat, complete=is_complete(ctx, iid))
    if best is not None:
        y0, y1 = int(best["start_year"]), int(best["end_year"])
        return Statement(**common, verdict=Verdict(best["category"], f"{best['label_fr']} ({y0}-{y1})"), target=best,
                         start_year=y0, end_year=y1, observed_slope=_f(best.get("observed_slope")),
                         required_slope=_f(best.get("required_slope")),
                         still_required_slope=_f(best.get("still_required_slope")),
                         eurostat_ratio=_f(best.get("eurostat_ratio")), eurostat_category=best.get("eurostat_category"))
    s = series(ctx, iid).dropna()
    s = s.loc[s.index <= ctx.year]
    if ind.direction == "none" or len(s) < 2 or s.iloc[0] == 0:
        return Statement(**common, verdict=Verdict("not_assessable", NO_TARGET_FR), target=None)
    r = assess_progress(s, ind.direction)
    eu = assess_progress(s, ind.direction, rule="eurostat")
    return Statement(**common, verdict=Verdict(r.category, f"{NO_TARGET_FR} : {r.label_fr} ({r.period})"),
                     target=None, start_year=r.start_year, end_year=r.end_year, observed_slope=r.observed_slope,
                     eurostat_category=eu.category if eu.category != r.category else None)


def statements(ctx: ReportContext) -> dict[str, Statement]:
    """The statements of the catalogue's headline indicators that have a value in the report's year."""
    out = {}
    for ind in ctx.catalogue.headlines():
        s = series(ctx, ind.id).dropna()
        if ctx.year in s.index:
            out[ind.id] = statement(ctx, ind.id)
    return out


def _f(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


# --- incomplete totals -------------------------------------------------------------------------------

#: Mark of an incomplete total on cards, bars, maps and tables; its note says « au moins » and what is missing.
INCOMPLETE_MARK = maps.INCOMPLETE_MARK


def incompleteness(ind: pd.DataFrame, year: int) -> tuple[dict[tuple[str, str, str], bool], dict[str, list[str]]]:
    """``(indicator, level, code) → complete`` in ``year``, and the communes whose inventory lacks sectors
    (code → the sectors' labels, from the rows ``complete`` False of the ``ges_<sector>`` indicators)."""
    sub = ind.loc[ind["year"] == year]
    complete = (sub.set_index(["indicator_id", "geo_level", "geo_code"])["complete"].astype(bool).to_dict()
                if "complete" in sub else {})
    missing: dict[str, list[str]] = {}
    for s in PCAET:
        rows = sub.loc[(sub["indicator_id"] == f"ges_{s}") & (sub["geo_level"] == "commune")]
        if "complete" in rows:
            for code in rows.loc[~rows["complete"].astype(bool), "geo_code"]:
                missing.setdefault(code, []).append(SECTOR_LABELS[s].lower())
    return complete, missing




def incomplete_note(missing: dict[str, list[str]], codes, territory) -> str:
    """« * Total incomplet, à lire « au moins » : l'inventaire ne donne pas le transport routier de Béthune. »
    for the communes of ``codes`` whose inventory lacks sectors ('' when none)."""
    parts = [f"le {' ni le '.join(missing[c])} {territory.name_after_de('commune', c)}" for c in codes if c in missing]
    if not parts:
        return ""
    shown = parts[:3] + ([f"{len(parts) - 3} autres secteurs communaux"] if len(parts) > 3 else [])
    return (f"{INCOMPLETE_MARK} Total incomplet, à lire « au moins » : l'inventaire ne donne pas "
            + ", ".join(shown) + ".")
