"""Synthesis of the annual report: headline table, key sentences, key figures, verdict tables."""

from __future__ import annotations

import math

import pandas as pd

from ... import fmt
from ...evaluation import mann_kendall
from ...evaluation.targets import PRIORITY, named_framework, short_framework
from ...narrative import section_text, territory_sentences
from ...narrative.sentences import CAVEATS, STABLE, render
from ...territory import worst_nature
from ..blocks import Bullets, Group, Table, Text, Verdict
from ..context import NATURE_SHORT, ReportContext, display, natures, series, source_line, value, years_text
from ..statement import EUROSTAT_COLUMN_FR, least, pace_text, statement, statements


def trend_label(s: pd.Series) -> str:
    s = s.dropna()
    if len(s) < 4:
        return "série trop courte"
    return mann_kendall(s).trend_fr


def headline_frame(ctx: ReportContext) -> pd.DataFrame:
    """Key figures of the synthesis page, one row per headline indicator (values, not text): the
    indicator's :class:`~pma_eval.report.statement.Statement`, the same verdict as « À retenir »."""
    rows = []
    for iid, st in statements(ctx).items():
        s = series(ctx, iid).dropna()
        n = natures(ctx, iid)
        first = int(s.index.min())
        change = (s[ctx.year] - s[first]) if st.in_points else (s[ctx.year] / s[first] - 1 if s[first] else math.nan)
        rows.append({"indicator_id": iid, "indicator": st.title, "value": st.value, "shown": st.shown(ctx),
                     "complete": st.complete, "change": change, "change_in_points": st.in_points,
                     "first": first, "trend": trend_label(s), "target": st.target_text,
                     "verdict": st.verdict, "eurostat": st.eurostat_cell, "nature": worst_nature(n.loc[first:ctx.year])})
    return pd.DataFrame(rows)


def change_text(change: float, in_points: bool, decimals: int = 0) -> str:
    """« −20 % » for a quantity, « +2,9 points » for a share (never « +459 % » for a share that grew)."""
    if in_points:
        return fmt.number(change, 1, signed=True) + "\u00a0points" if change == change else fmt.MISSING
    return fmt.percent(change, decimals, signed=True)


def headline_table(ctx: ReportContext) -> Table:
    h = headline_frame(ctx)
    first = int(h["first"].iloc[0]) if len(h) else ctx.first_year
    frame = pd.DataFrame({
        "Indicateur": h.get("indicator", []),
        f"Valeur {ctx.year}": h.get("shown", []),
        f"Depuis {first}": [change_text(c, p) for c, p in zip(h.get("change", []), h.get("change_in_points", []))],
        "Tendance": h.get("trend", []), "Verdict": h.get("verdict", []), EUROSTAT_COLUMN_FR: h.get("eurostat", []),
        "Nature": h.get("nature", [])})
    return Table(frame, section_text("essentiel", "tableau", annee=ctx.year, nom=ctx.name),
                 formats={"Nature": lambda n: NATURE_SHORT[n]},
                 numeric=[f"Valeur {ctx.year}", f"Depuis {first}"], css="synthesis",
                 sources=(source_line(ctx, h.get("indicator_id", [])),), natures=frozenset(h.get("nature", [])))


def main_targets(v: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split judged verdict rows into the main text's and the annex's.

    Main text: one target per indicator and horizon (target year), the best framework first
    (:data:`pma_eval.evaluation.targets.PRIORITY`, then the most demanding); targets whose year is past
    go to the annex, except ceilings, judged every year they are in force. Returns ``(main, annex)``.
    """
    if v.empty:
        return v, v
    pending = (v["target_year"] > year) | v["label_fr"].astype(str).str.startswith("plafond")
    ranked = v.assign(_p=v["priority"].fillna(99), _d=v["required_rate"].abs().fillna(0),
                      _h=v["target_year"].where(~v["label_fr"].astype(str).str.startswith("plafond"), 0))
    ranked = ranked.sort_values(["indicator_id", "_h", "_p", "_d"], ascending=[True, True, True, False])
    first = ranked.loc[pending.reindex(ranked.index)].drop_duplicates(["indicator_id", "_h"])
    main = v.loc[first.index]
    return main, v.drop(index=first.index)


def _stake_order(ctx: ReportContext, v: pd.DataFrame) -> pd.DataFrame:
    """Rows by stake: the territory's own targets (its PCAET) first, then the indicators' values in the
    report's year, largest first (total emissions before its sectors), then the target year."""
    size = {i: abs(value(ctx, i)[0]) for i in v["indicator_id"].unique()}
    own = v["priority"].ne(PRIORITY["local"]) if "priority" in v else False
    return v.assign(_o=own, _s=v["indicator_id"].map(lambda i: -size[i] if size[i] == size[i] else 0.0)) \
        .sort_values(["_o", "_s", "target_year"], kind="stable").drop(columns=["_o", "_s"])


def verdict_table(ctx: ReportContext, indicator_ids: list[str], caption: str,
                  see: str = "en annexe") -> Table | Text:
    """The verdicts of the main text: one target per indicator and horizon, by stake (see
    :func:`main_targets`); paces in the indicator's unit per year; the others in the annex."""
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    if v.empty:
        return Text(render("annuel/objectifs_absents.j2", aucun=True, ecartes=0, renvoi=see))
    v = v.loc[v["indicator_id"].isin(indicator_ids)]
    skipped = int((v["category"] == "not_assessable").sum()) if len(v) else 0
    v = v.loc[v["category"] != "not_assessable"] if len(v) else v
    v, rest = main_targets(v, ctx.year)
    skipped += len(rest)
    if v.empty:
        return Text(render("annuel/objectifs_absents.j2", aucun=False, ecartes=skipped, renvoi=see))
    footnotes: list[str] = []
    rows = [_verdict_row(ctx, r, footnotes) for r in _stake_order(ctx, v).itertuples()]
    table = Table(pd.DataFrame(rows), caption, numeric=["Rythme observé", "Rythme nécessaire", "Encore nécessaire"],
                  css="verdicts", sources=(source_line(ctx, indicator_ids),))
    notes = [Text(f"({k}) {n[:1].upper()}{n[1:]}.", "note") for k, n in enumerate(footnotes, start=1)]
    if skipped:
        notes.append(Text(render("annuel/objectifs_ecartes.j2", ecartes=skipped, renvoi=see), "note"))
    return Group([table, *notes]) if notes else table


#: A target's note longer than this goes under the table, called by its number, instead of into the objective's
#: cell: a reading note of several lines made one row of the CABBALR's renewables table a third of a page tall.
SHORT_NOTE = 60


def _verdict_row(ctx: ReportContext, r, footnotes: list[str] | None = None) -> dict:
    unit, direction = ctx.catalogue[r.indicator_id].short_unit, ctx.catalogue[r.indicator_id].direction
    obj = f"{named_framework(r.framework, r.document)} : {r.description}" + ("" if r.verified else " (non vérifié)")
    if r.note and (footnotes is None or len(r.note) <= SHORT_NOTE):
        obj += f" ({r.note})"
    elif r.note:
        footnotes.append(str(r.note).rstrip(". "))
        obj += f" ({len(footnotes)})"
    period = f"{int(r.start_year)}-{int(r.end_year)}"
    return {"Indicateur": ctx.catalogue[r.indicator_id].short_title, "Objectif": obj,
            "Rythme observé": pace_text(unit, getattr(r, "observed_slope", math.nan)),
            "Rythme nécessaire": _needed(unit, getattr(r, "required_slope", math.nan), direction, period, r),
            "Encore nécessaire": _needed(unit, getattr(r, "still_required_slope", math.nan), direction, None, r),
            "Verdicts": _verdicts_cell(r, period)}


def _needed(unit: str, slope: float, direction: str, period: str | None, r=None) -> str:
    """A required pace; never a pace in the wrong direction: a target already met shows « déjà atteint »
    (with its margin in the indicator's unit where the pace still needed is asked), a past target or a
    ceiling in force « sans objet »."""
    if slope != slope:
        return "sans objet"
    if r is not None and getattr(r, "pace_category", "") in ("target_achieved", "achieved_then_away"):
        margin = abs(getattr(r, "end_value", math.nan) - getattr(r, "target_value", math.nan))
        if period is None and margin == margin:
            return f"déjà atteint (marge : {display(unit, margin).replace('-', '')})"
        return "déjà atteint"
    if (slope > 0 and direction == "decrease") or (slope < 0 and direction == "increase"):
        return "déjà atteint"
    text = pace_text(unit, slope)
    return text


def _verdicts_cell(r, period: str) -> list[Verdict]:
    """Short-term verdict, then long-term where the series allows it, each with its period; one grey
    « à vérifier » for a target not verified."""
    if r.category == "to_verify":
        return [Verdict("to_verify", f"objectif à vérifier : sans verdict (rythme {period})")]
    if not r.required_rate == r.required_rate and r.category in ("target_achieved", "target_missed"):
        return [Verdict(r.category, r.label_fr)]  # a ceiling in force, a past target: kept or not, no pace
    out = [Verdict(r.category, f"court terme ({period}) : {r.label_fr}")]
    if isinstance(getattr(r, "long_category", None), str):
        out.append(Verdict(r.long_category, f"long terme ({int(r.long_start_year)}-{int(r.end_year)}) : "
                                            f"{r.long_label_fr}"))
    return out


def annex_targets(ctx: ReportContext) -> Table | Text:
    """The judged targets the main text leaves out (past, secondary, or a second target for the same
    indicator and horizon), with their verdicts (annex)."""
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    if v.empty:
        return Text(section_text("annexe", "aucun_autre_objectif"))
    judged = v.loc[v["category"] != "not_assessable"]
    _, rest = main_targets(judged, ctx.year)
    if rest.empty:
        return Text(section_text("annexe", "tous_dans_le_corps"))
    rows = [_verdict_row(ctx, r) for r in _stake_order(ctx, rest).itertuples()]
    return Table(pd.DataFrame(rows), section_text("annexe", "tableau_autres", nom=ctx.name),
                 numeric=["Rythme observé", "Rythme nécessaire", "Encore nécessaire"], css="verdicts",
                 sources=(source_line(ctx, list(rest["indicator_id"].unique())),))


def unassessable_targets(ctx: ReportContext) -> Bullets:
    """Targets that could not be assessed, with the reason (annex)."""
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    if v.empty:
        return Bullets([])
    v = v.loc[v["category"] == "not_assessable"]
    return Bullets([f"{short_framework(r.framework)} — {r.document} : {r.description}"
                    f"{'' if r.verified else ' (non vérifié)'} — {r.reason}" for r in v.itertuples()])


# --- sentences -----------------------------------------------------------------------------------

def framework_phrase(fw: str) -> str:
    """« du SRADDET », « des orientations du SRADDET (2018) », « national »: a framework after « objectif 2030 »."""
    return ("du SRADDET" if fw == "Régional (SRADDET Hauts-de-France)" else
            "des orientations du SRADDET (2018)" if "orientations du SRADDET" in fw else
            "national" if fw.startswith("National") else f"({fw})")


def _targets_for_sentences(ctx: ReportContext) -> dict[str, dict]:
    """The target each key sentence refers to: the statement's (one verdict per indicator)."""
    out = {}
    for iid in ("ges_total", "conso_energie_finale", "enr_elec_production"):
        if value(ctx, iid)[0] != value(ctx, iid)[0]:
            continue
        st = statement(ctx, iid)
        b = st.target
        if b is None or b.get("end_year") != b.get("end_year"):
            continue
        past = int(b["target_year"]) <= ctx.year
        if past:
            continue
        out[iid] = {"year": int(b["target_year"]), "framework": framework_phrase(b["framework"]),
                    "achieved": b["category"] in ("target_achieved", "achieved_then_away"),
                    "away": b["category"] == "achieved_then_away", "verified": bool(b["verified"]),
                    "period": f"{st.start_year} à {st.end_year}", "observed": pace_text(st.unit, st.observed_slope),
                    "required": pace_text(st.unit, st.required_slope), "verdict": b["label_fr"],
                    "off_track": b["category"] not in ("target_achieved", "significant_progress")}
    return out


def key_sentences(ctx: ReportContext, n: int = 4, short_caveat: bool = False) -> Bullets:
    """The territory's evolution sentences, most material first (``pma_eval.narrative``)."""
    directions = {i.id: i.direction for i in ctx.catalogue}
    seen: set[str] = set()

    def get(iid: str, y: int) -> tuple[float, str]:
        v = value(ctx, iid, y)
        seen.add(v[1])
        return v

    sentences = territory_sentences(get, ctx.of_name, ctx.first_year, ctx.year, directions,
                                    _targets_for_sentences(ctx), short_caveat=short_caveat,
                                    pace=lambda iid, x: pace_text(ctx.catalogue[iid].short_unit, x))
    return Bullets([s.text for s in sentences[:n]], natures=frozenset(seen))


def direction_words(change: float) -> str:
    if change != change:
        return "évolution inconnue"
    if abs(change) < STABLE:
        return "un niveau stable"
    return f"{'une baisse' if change < 0 else 'une hausse'} de {fmt.percent(abs(change), 0)}"


def _with_caveat(text: str, nature: str) -> str:
    caveat = CAVEATS.get(nature)
    return f"{text} {caveat}" if caveat else text


def emissions_summary(ctx: ReportContext) -> Text:
    total, nat = value(ctx, "ges_total")
    per_hab, n2 = value(ctx, "ges_par_habitant")
    t0, n0 = value(ctx, "ges_total", ctx.first_year)
    text = render("annuel/resume_emissions.j2", annee=ctx.year, de_territoire=ctx.of_name,
                  total=least(ctx, "ges_total") + display("t CO₂e", total),
                  par_habitant=least(ctx, "ges_par_habitant") + display("t CO₂e/hab", per_hab),
                  evolution=direction_words(total / t0 - 1), depuis=ctx.first_year)
    return Text(_with_caveat(text, nat), "key-figure", frozenset({nat, n2, n0}))


def energy_summary(ctx: ReportContext) -> Text:
    total, nat = value(ctx, "conso_energie_finale")
    per_hab, n2 = value(ctx, "conso_energie_par_habitant")
    t0, n0 = value(ctx, "conso_energie_finale", ctx.first_year)
    text = render("annuel/resume_energie.j2", annee=ctx.year, de_territoire=ctx.of_name,
                  total=least(ctx, "conso_energie_finale") + display("MWh", total),
                  par_habitant=least(ctx, "conso_energie_par_habitant") + display("MWh/hab", per_hab),
                  evolution=direction_words(total / t0 - 1), depuis=ctx.first_year)
    return Text(_with_caveat(text, nat), "key-figure", frozenset({nat, n2, n0}))


def enr_summary(ctx: ReportContext) -> Text:
    prod, nat = value(ctx, "enr_elec_production")
    cov, n2 = value(ctx, "couverture_elec_enr")
    pv, n3 = value(ctx, "enr_puissance_solaire_pv")
    share, n4 = value(ctx, "part_enr_conso_finale")
    injected, _ = value(ctx, "biomethane_injection")  # the register gives capacities: counted only if entered
    text = render("annuel/resume_renouvelables.j2", annee=ctx.year, production=display("MWh", prod),
                  couverture=f"{fmt.number(cov, 1)}\u00a0%", puissance_pv=display("kW", pv),
                  part=f"{fmt.number(share, 1)}\u00a0%" if share == share else None, biomethane=injected == injected)
    return Text(_with_caveat(text, nat), "key-figure", frozenset({nat, n2, n3} | ({n4} if share == share else set())))


def incomplete_note(ctx: ReportContext) -> Text | None:
    """A note naming the years whose totals of the territory are incomplete, or None."""
    v = ctx.indicators
    if "complete" not in v:
        return None
    mine = v.loc[(v["geo_level"] == ctx.geo_level) & (v["geo_code"] == ctx.geo_code) & ~v["complete"].astype(bool)]
    parts = [f"{ctx.catalogue[iid].short_title} ({years_text(set(int(y) for y in g['year']))})"
             for iid, g in mine.groupby("indicator_id", sort=False) if ctx.catalogue[iid].headline]
    if not parts:
        return None
    return Text(render("annuel/totaux_incomplets.j2", parties=parts), "note")

