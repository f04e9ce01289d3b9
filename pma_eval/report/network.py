"""Networks and actions of the annual report: mobilisation, participation, from narrative to action."""

from __future__ import annotations

import pandas as pd

from .. import charts, fmt
from ..activity.indicators import participation_by_org_type, small_count
from ..evaluation import headline_target
from ..narrative import evolution_sentence
from ..narrative.sentences import subjects
from ..nomenclature import PALETTE
from .blocks import Bullets, Figure, Table, Text, Verdict
from .context import ReportContext, has_demonstration, source_line, value

NETWORK_IDS = ["evenements_total", "evenements_grand_forum", "evenements_rencontres", "participants_uniques",
               "organisations_uniques", "organisations_nouvelles", "part_participants_fideles", "diversite_shannon",
               "diversite_equitabilite", "couverture_epci", "part_public_elus", "part_public_jeunesse",
               "part_public_emploi"]
PEOPLE_COUNTS = {"participants_uniques", "organisations_uniques", "organisations_nouvelles", "participations_total"}


def has_activity(ctx: ReportContext) -> bool:
    return ctx.activity is not None and bool((ctx.indicators["indicator_id"] == "participants_uniques").any())


def _network_cell(ctx: ReportContext, iid: str, x: float) -> str:
    unit = ctx.catalogue[iid].short_unit
    if iid in PEOPLE_COUNTS:
        return small_count(x)  # people: counts under 5 are not published
    if unit == "nombre":
        return fmt.number(x)
    return fmt.percent(x / 100, 0) if unit == "%" else fmt.number(x, 2)


def network_table(ctx: ReportContext, years: int = 5) -> Table:
    """Network indicators over the last years (counts under 5 shown « < 5 »)."""
    v = ctx.indicators.loc[(ctx.indicators["geo_level"] == "pma") & ctx.indicators["indicator_id"].isin(NETWORK_IDS)]
    ys = sorted(v["year"].unique())[-years:]
    rows = []
    for iid in NETWORK_IDS:
        s = v.loc[v["indicator_id"] == iid].set_index("year")["value"]
        rows.append({"Indicateur": ctx.catalogue[iid].short_title,
                     **{str(y): _network_cell(ctx, iid, s.get(y, float("nan"))) for y in ys}})
    return Table(pd.DataFrame(rows), "Mobilisation des réseaux animés par le Pôle",
                 sources=(source_line(ctx, NETWORK_IDS),), natures=frozenset(v["nature"].unique()))


def participation_figure(ctx: ReportContext) -> Figure:
    """Participants by organisation type over the years (stacked bars), with its text alternative."""
    act = ctx.activity or {}
    w = participation_by_org_type(act["events"], act["participations"])
    w = w.loc[w.index <= ctx.year]
    w = w.loc[:, w.sum() > 0]
    demo = set(w.index) if has_demonstration(ctx) else set()
    labels = {c: c[0].upper() + c[1:] for c in w.columns}
    colors = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(w.columns)}
    hatches = {c: ["", "//", "..", "xx", "\\\\"][i % 5] for i, c in enumerate(w.columns)}
    src = source_line(ctx, ["participants_uniques"])
    fig = charts.stacked(w, "Participants aux événements du Pôle par type d'organisation", "personnes",
                         src, labels, colors, hatches, demo)
    last = w.iloc[-1].sort_values(ascending=False)
    alt = (f"Histogramme empilé des participants distincts par type d'organisation, de {w.index.min()} à "
           f"{w.index.max()}. En {w.index.max()} : " + ", ".join(
               f"{k} {v if v >= 5 else 'moins de 5'}" for k, v in last.head(5).items()) + ".")
    return Figure(fig, alt, "Participants distincts par type d'organisation (chaque personne comptée une fois par an)",
                  w, (src,), frozenset({"demonstration"} if demo else {"observed"}))


def network_sentences(ctx: ReportContext) -> Bullets:
    y0 = max(ctx.first_year, int(ctx.indicators.loc[ctx.indicators["indicator_id"] == "participants_uniques", "year"].min()))
    out, seen = [], set()
    for iid in ("participants_uniques", "organisations_uniques"):
        (v0, n0), (v1, n1) = value(ctx, iid, y0), value(ctx, iid)
        seen |= {n0, n1}
        s = evolution_sentence(iid, "", y0, v0, ctx.year, v1, "increase", nature=n1,
                               short_caveat=True) if iid in subjects() else None
        if s:
            out.append(s.text.replace("  ", " ").replace(" ,", ","))
    h, nat = value(ctx, "diversite_equitabilite")
    seen.add(nat)
    out.append(f"En {ctx.year}, la diversité des participants atteint {fmt.number(h, 2)} sur une échelle de 0 "
               f"(un seul type d'organisation) à 1 (tous les types également représentés)"
               + (" (données de démonstration)." if nat == "demonstration" else "."))
    return Bullets(out, natures=frozenset(seen))


def actions_table(ctx: ReportContext) -> Table:
    """Per axis: commitments, actions by status, realisation, linked indicators with their verdict."""
    act = ctx.activity or {}
    strategy, actions, projects = act["strategy"], act["actions"], act["projects"]
    projects = projects.loc[(projects["labelled"].dt.year <= ctx.year) & (projects["status"] != "candidat")]
    actions = actions.loc[actions["start"].isna() | (actions["start"].dt.year <= ctx.year)]
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    rows = []
    for axis, grp in strategy.groupby("axis", sort=False):
        a = actions.loc[actions["commitment_id"].isin(grp["commitment_id"])]
        by_status = a["status"].value_counts()
        done = a.loc[a["status"] == "réalisé", "commitment_id"].nunique()
        inds = sorted({i.strip() for s in grp["indicators"] for i in s.split(",") if i.strip()})
        verdict_bits = []
        for iid in inds[:3]:
            b = headline_target(v, iid, ctx.year) if len(v) else None
            label = ctx.catalogue[iid].short_title
            verdict_bits.append(Verdict(b["category"], f"{label} : {b['label_fr']} ({int(b['start_year'])}-{int(b['end_year'])})")
                                if b is not None else f"{label} : —")
        rows.append({"Axe": axis, "Engagements": str(len(grp)),
                     "Actions par statut": [f"{k} : {n}" for k, n in by_status.items()] or "aucune action",
                     "Engagements concrétisés": f"{done} / {len(grp)}",
                     "Projets labellisés": str(int((projects["axis"] == axis).sum())),
                     "Indicateurs liés et verdicts": verdict_bits})
    return Table(pd.DataFrame(rows), f"Du récit aux actions : axes de la Turbine de l'écotransition, {ctx.year}",
                 numeric=["Engagements", "Engagements concrétisés", "Projets labellisés"], css="actions",
                 sources=(source_line(ctx, ["taux_concretisation"]),),
                 natures=frozenset({value(ctx, "taux_concretisation")[1]}))


def concretisation_text(ctx: ReportContext) -> Text:
    rate, nat = value(ctx, "taux_concretisation")
    return Text(f"Taux de concrétisation {ctx.year} : {fmt.percent(rate / 100, 0)} des engagements ont au moins une "
                "action réalisée" + (" (données de démonstration)." if nat == "demonstration" else "."),
                "key-figure", frozenset({nat}))


#: Statuses that name an action in « actions en retard ou en pause ».
LATE, PAUSED = "en retard", "en pause"
#: Statuses still open: past their end date, they are late too.
OPEN = ("à venir", "en cours")


def late_actions(ctx: ReportContext) -> pd.DataFrame:
    """Actions late or paused in the report's year: status « en retard » or « en pause », or still open
    (« à venir », « en cours ») after their end date. One row per action, with its commitment, pilot,
    budgets and the indicators its commitment is followed by."""
    act = ctx.activity or {}
    if not act:
        return pd.DataFrame()
    actions, strategy = act["actions"], act["strategy"]
    year_end = pd.Timestamp(f"{ctx.year}-12-31")
    started = actions["start"].isna() | (actions["start"] <= year_end)
    overdue = actions["status"].isin(OPEN) & actions["end"].notna() & (actions["end"] < year_end)
    sel = actions.loc[started & (actions["status"].isin([LATE, PAUSED]) | overdue)].copy()
    sel["state"] = sel["status"].where(sel["status"].isin([LATE, PAUSED]), LATE + " (échéance dépassée)")
    sel = sel.merge(strategy[["commitment_id", "commitment", "axis", "indicators"]], on="commitment_id", how="left")
    return sel.sort_values(["state", "end", "action_id"]).reset_index(drop=True)


def late_actions_table(ctx: ReportContext) -> Table | Text:
    """« Du récit aux actions »: the late and paused actions by name (issue 15), not counts."""
    a = late_actions(ctx)
    if a.empty:
        return Text(f"Aucune action en retard ni en pause en {ctx.year}.")

    def euros(x: float) -> str:
        return fmt.MISSING if x != x else f"{fmt.number(x, 0)}\u00a0€"

    def titles(ids: str) -> str:
        known = [i.strip() for i in str(ids or "").split(",") if i.strip() in ctx.catalogue.indicators]
        return ", ".join(ctx.catalogue[i].short_title for i in known) or "—"

    frame = pd.DataFrame({
        "Action": a["title"], "Pilote": a["pilot"].fillna("—"),
        "État": a["state"], "Échéance": a["end"].dt.strftime("%d/%m/%Y").fillna("—"),
        "Budget prévu": a["budget_planned"].map(euros), "Dépensé": a["budget_spent"].map(euros),
        "Indicateurs liés": a["indicators"].map(titles)})
    return Table(frame, f"Actions en retard ou en pause en {ctx.year} ({len(a)})",
                 numeric=["Budget prévu", "Dépensé"], css="late-actions", long=True,
                 natures=frozenset(a["nature"]))
