"""Synthesis of the annual report: headline table, key sentences, key figures, verdict tables."""

from __future__ import annotations

import math

import pandas as pd

from ... import fmt
from ...evaluation import assess_progress, headline_target, mann_kendall
from ...evaluation.targets import short_framework
from ...narrative import territory_sentences
from ...narrative.sentences import CAVEATS, STABLE
from ...territory import worst_nature
from ..blocks import Bullets, Group, Table, Text, Verdict
from ..context import NATURE_SHORT, ReportContext, display, natures, series, source_line, value, years_text


def trend_label(s: pd.Series) -> str:
    s = s.dropna()
    if len(s) < 4:
        return "série trop courte"
    return mann_kendall(s).trend_fr


def headline_frame(ctx: ReportContext) -> pd.DataFrame:
    """Key figures of the synthesis page, one row per headline indicator (values, not text)."""
    rows = []
    v_all = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    for ind in ctx.catalogue.headlines():
        s = series(ctx, ind.id).dropna()
        if s.empty or ctx.year not in s.index:
            continue
        n = natures(ctx, ind.id)
        first = int(s.index.min())
        val, _ = value(ctx, ind.id)
        in_points = ind.short_unit == "%"  # a share changes by points, not by a percentage of itself
        change = (s[ctx.year] - s[first]) if in_points else (s[ctx.year] / s[first] - 1 if s[first] else math.nan)
        best = headline_target(v_all, ind.id, ctx.year) if len(v_all) else None
        if best is not None:
            cat = best["category"]
            label = (f"{best['label_fr']} ({int(best['start_year'])}-{int(best['end_year'])}) — "
                     f"{short_framework(best['framework'])}, {best['target_year']}")
        elif ind.direction != "none" and len(s) >= 2:
            r = assess_progress(s, ind.direction)
            cat, label = r.category, f"{r.label_fr} ({r.period}, sans objectif chiffré)"
        else:
            cat, label = "not_assessable", "non évaluable"
        rows.append({"indicator_id": ind.id, "indicator": ind.short_title, "value": val, "change": change,
                     "change_in_points": in_points,
                     "first": first, "trend": trend_label(s), "verdict": Verdict(cat, label),
                     "nature": worst_nature(n.loc[first:ctx.year])})
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
        f"Valeur {ctx.year}": [display(i, v, ctx) for i, v in zip(h.get("indicator_id", []), h.get("value", []))],
        f"Depuis {first}": [change_text(c, p) for c, p in zip(h.get("change", []), h.get("change_in_points", []))],
        "Tendance": h.get("trend", []), "Verdict": h.get("verdict", []),
        "Nature": h.get("nature", [])})
    return Table(frame, f"Indicateurs phares en {ctx.year} — {ctx.name}",
                 formats={"Nature": lambda n: NATURE_SHORT[n]},
                 numeric=[f"Valeur {ctx.year}", f"Depuis {first}"], css="synthesis",
                 sources=(source_line(ctx, h.get("indicator_id", [])),), natures=frozenset(h.get("nature", [])))


def verdict_table(ctx: ReportContext, indicator_ids: list[str], caption: str,
                  see: str = "voir l'annexe") -> Table | Text:
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    if v.empty:
        return Text("Aucun objectif chiffré ne s'applique à ces indicateurs.")
    v = v.loc[v["indicator_id"].isin(indicator_ids)]
    skipped = int((v["category"] == "not_assessable").sum()) if len(v) else 0
    v = v.loc[v["category"] != "not_assessable"] if len(v) else v
    if v.empty:
        return Text("Aucun objectif chiffré évaluable ne s'applique à ces indicateurs"
                    + ((f" ({skipped} objectifs non évaluables, {see})." if skipped > 1 else
                        f" (un objectif non évaluable, {see}).") if skipped else "."))
    rows = []
    for r in v.sort_values(["indicator_id", "target_year", "target_value"]).itertuples():
        obj = f"{short_framework(r.framework)} : {r.description}" + ("" if r.verified else " (non vérifié)")
        if r.note:
            obj += f" ({r.note})"
        period = f"{int(r.start_year)}-{int(r.end_year)}"
        rows.append({"Indicateur": ctx.catalogue[r.indicator_id].short_title, "Objectif": obj,
                     "Rythme observé": _rate(r.observed_rate),
                     "Rythme nécessaire": _rate(r.required_rate), "Encore nécessaire": _rate(r.still_required_rate),
                     "Verdicts": _verdicts_cell(r, period)})
    table = Table(pd.DataFrame(rows), caption, numeric=["Rythme observé", "Rythme nécessaire", "Encore nécessaire"],
                  css="verdicts", sources=(source_line(ctx, indicator_ids),))
    if not skipped:
        return table
    note = Text((f"{skipped} autres objectifs ne peuvent pas être évalués" if skipped > 1 else
                 "Un autre objectif ne peut pas être évalué") + f" avec les données disponibles ({see}).", "note")
    return Group([table, note])


def _rate(rate: float) -> str:
    return fmt.percent(rate, 1, signed=True) + "/an" if rate is not None and rate == rate else "—"


def _verdicts_cell(r, period: str) -> list[Verdict]:
    """Short-term verdict, then long-term where the series allows it, each with its period; one grey
    « à vérifier » for a target not verified."""
    if r.category == "to_verify":
        return [Verdict("to_verify", f"objectif à vérifier : sans verdict (rythme {period})")]
    out = [Verdict(r.category, f"court terme ({period}) : {r.label_fr}")]
    if isinstance(getattr(r, "long_category", None), str):
        out.append(Verdict(r.long_category, f"long terme ({int(r.long_start_year)}-{int(r.end_year)}) : "
                                            f"{r.long_label_fr}"))
    return out


def unassessable_targets(ctx: ReportContext) -> Bullets:
    """Targets that could not be assessed, with the reason (annex)."""
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    if v.empty:
        return Bullets([])
    v = v.loc[v["category"] == "not_assessable"]
    return Bullets([f"{short_framework(r.framework)} — {r.document} : {r.description}"
                    f"{'' if r.verified else ' (non vérifié)'} — {r.reason}" for r in v.itertuples()])


# --- sentences -----------------------------------------------------------------------------------

def _targets_for_sentences(ctx: ReportContext) -> dict[str, dict]:
    """The target each key sentence refers to (the one shown on the synthesis page)."""
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    out = {}
    for iid in ("ges_total", "conso_energie_finale", "enr_elec_production"):
        b = headline_target(v, iid, ctx.year) if len(v) else None
        if b is not None and b["still_required_rate"] == b["still_required_rate"]:
            fw = b["framework"]
            cadre = ("du SRADDET" if fw == "Régional (SRADDET Hauts-de-France)" else
                     "des orientations du SRADDET (2018)" if "orientations du SRADDET" in fw else
                     "national" if fw.startswith("National") else f"({fw})")
            out[iid] = {"year": int(b["target_year"]), "framework": cadre, "required_rate": b["still_required_rate"],
                        "achieved": b["category"] in ("target_achieved", "achieved_then_away"),
                        "away": b["category"] == "achieved_then_away", "verified": bool(b["verified"]),
                        # the verdict's own period and pace: the sentence and the verdict table agree
                        "period": f"{int(b['start_year'])} à {int(b['end_year'])}", "observed_rate": b["observed_rate"],
                        "on_track": bool(b["un_q"] >= 1) if b["un_q"] == b["un_q"] else False}
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
                                    _targets_for_sentences(ctx), short_caveat=short_caveat)
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
    text = (f"En {ctx.year}, les émissions de gaz à effet de serre {ctx.of_name} s'élèvent à "
            f"{display('t CO₂e', total)}, soit {display('t CO₂e/hab', per_hab)} "
            f"(population légale, millésime {ctx.year}) ; {direction_words(total / t0 - 1)} depuis {ctx.first_year}.")
    return Text(_with_caveat(text, nat), "key-figure", frozenset({nat, n2, n0}))


def energy_summary(ctx: ReportContext) -> Text:
    total, nat = value(ctx, "conso_energie_finale")
    per_hab, n2 = value(ctx, "conso_energie_par_habitant")
    t0, n0 = value(ctx, "conso_energie_finale", ctx.first_year)
    text = (f"En {ctx.year}, la consommation d'énergie finale {ctx.of_name} atteint {display('MWh', total)}, soit "
            f"{display('MWh/hab', per_hab)} ; {direction_words(total / t0 - 1)} depuis {ctx.first_year}.")
    return Text(_with_caveat(text, nat), "key-figure", frozenset({nat, n2, n0}))


def enr_summary(ctx: ReportContext) -> Text:
    prod, nat = value(ctx, "enr_elec_production")
    cov, n2 = value(ctx, "couverture_elec_enr")
    pv, n3 = value(ctx, "enr_puissance_solaire_pv")
    share, n4 = value(ctx, "part_enr_conso_finale")
    text = (f"En {ctx.year}, les installations renouvelables du territoire produisent {display('MWh', prod)} "
            f"d'électricité, soit {fmt.number(cov, 1)}\u00a0% de la consommation d'électricité ; la puissance "
            f"photovoltaïque installée atteint {display('kW', pv)}.")
    if share == share:
        text += (f" Avec la chaleur renouvelable et le biométhane, la production renouvelable représente "
                 f"{fmt.number(share, 1)}\u00a0% de la consommation d'énergie finale.")
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
    return Text("Totaux incomplets (une partie manque dans les sources, voir « Couverture des données ») : "
                + " ; ".join(parts) + ".", "note")

