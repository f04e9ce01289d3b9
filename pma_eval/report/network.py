"""Networks and actions of the annual report: mobilisation, participation, from narrative to action.

Perimeter: the whole territory's report shows its records; an EPCI's report shows its own (events held
in it, its actions, the whole's commitments those actions serve: :mod:`pma_eval.activity.perimeter`),
and labels as the whole's what is the whole's (« engagements du Pôle », « action du Pôle » for the default
territory: the names come from its declaration, :func:`pma_eval.report.context.names`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .. import charts, fmt
from ..activity import perimeter
from ..activity.indicators import activity_indicators, participation_by_org_type, small_count
from ..narrative import evolution_sentence, section_text
from ..narrative.sentences import render, subjects
from ..vocabulary import ORGANISATION_COLORS
from .blocks import Bullets, Figure, Table, Text, Verdict
from .context import ReportContext, has_demonstration, names, source_line, value

NETWORK_IDS = ["evenements_total", "evenements_grand_forum", "evenements_rencontres", "participants_uniques",
               "organisations_uniques", "organisations_nouvelles", "part_participants_fideles", "diversite_shannon",
               "diversite_equitabilite", "couverture_epci", "part_public_elus", "part_public_jeunesse",
               "part_public_emploi"]
PEOPLE_COUNTS = {"participants_uniques", "organisations_uniques", "organisations_nouvelles", "participations_total"}


def has_activity(ctx: ReportContext) -> bool:
    return ctx.activity is not None and bool((ctx.indicators["indicator_id"] == "participants_uniques").any())


def is_pole(ctx: ReportContext) -> bool:
    return ctx.geo_level == "pma"


def _names(ctx: ReportContext) -> dict[str, object]:
    """The whole territory's names for the texts of ``sections.yml`` this module renders (``sujet_ensemble``,
    ``de_ensemble``, ``membres_nom``, ``de_programme``…: :func:`pma_eval.report.context.names`)."""
    return names(ctx)


def _of_whole(ctx: ReportContext) -> str:
    """« du Pôle », « de la communauté d'agglomération »…: the whole territory after « de »."""
    return str(names(ctx)["de_ensemble"])


def _lookup(ctx: ReportContext) -> dict[str, str]:
    return perimeter.pilot_lookup(ctx.territory.communes, ctx.territory.epcis)


def activity_of(ctx: ReportContext) -> dict[str, pd.DataFrame] | None:
    """The registers of the report's territory: the Pôle's all, an EPCI's own (:func:`perimeter.restrict`)."""
    if not ctx.activity:
        return None
    if is_pole(ctx):
        return ctx.activity
    return perimeter.restrict(ctx.activity, ctx.sigle, _lookup(ctx))


@dataclass(frozen=True)
class Commitments(perimeter.Concretisation):
    """Commitments of a report's territory with at least one completed action by the report's year.

    For the Pôle: its strategy's commitments and all actions. For an EPCI: the Pôle's commitments
    its own actions serve, and those actions only (``scope``: how the text names them)."""

    scope: str  # « engagements du Pôle », « engagements du Pôle auxquels la CALL contribue par ses actions »
    natures: frozenset[str]


def commitments(ctx: ReportContext) -> Commitments | None:
    """The commitments the report's territory carries and how many have a completed action (None
    without registers). The decision page's « engagements sans action réalisée » reads this too."""
    act = activity_of(ctx)
    if not act:
        return None
    c = perimeter.concretisation(act["strategy"], act["actions"], ctx.year)
    of = _of_whole(ctx)
    scope = (f"engagements {of}" if is_pole(ctx)
             else f"engagements {of} auxquels la {ctx.sigle} contribue par ses actions")
    nat = frozenset(act["strategy"].get("nature", pd.Series(dtype=object))) | frozenset(
        act["actions"].get("nature", pd.Series(dtype=object)))
    return Commitments(c.done, c.total, c.idle, scope, nat or frozenset({"observed"}))


def _network_cell(ctx: ReportContext, iid: str, x: float) -> str:
    unit = ctx.catalogue[iid].short_unit
    if iid in PEOPLE_COUNTS:
        return small_count(x)  # people: counts under 5 are not published
    if unit == "nombre":
        return fmt.number(x)
    return fmt.percent(x / 100, 0) if unit == "%" else fmt.number(x, 2)


def where(ctx: ReportContext) -> str:
    """« animés par le Pôle » or « du Pôle tenus dans la CALL »: the events a network figure counts."""
    return "" if is_pole(ctx) else f"tenus dans la {ctx.sigle}"


def network_values(ctx: ReportContext) -> pd.DataFrame:
    """The network indicators of the report's territory (``indicator_id, year, value, nature``): the
    Pôle's from the indicators table; an EPCI's computed the same way on the events held in it."""
    if is_pole(ctx):
        v = ctx.indicators
        return v.loc[v["geo_level"] == "pma", ["indicator_id", "year", "value", "nature"]]
    act = activity_of(ctx) or {}
    if not act or act["events"].empty:
        return pd.DataFrame(columns=["indicator_id", "year", "value", "nature"])
    nature = "demonstration" if "demonstration" in set(act["events"].get("nature", ())) else "observed"
    v = activity_indicators(act["events"], act["participations"], act["projects"], act["strategy"], act["actions"],
                            nature)
    return v.loc[(v["year"] <= ctx.year) & (v["indicator_id"] != "couverture_epci"),
                 ["indicator_id", "year", "value", "nature"]]


def _value(v: pd.DataFrame, iid: str, year: int) -> tuple[float, str]:
    row = v.loc[(v["indicator_id"] == iid) & (v["year"] == year)]
    return (float(row["value"].iloc[0]), str(row["nature"].iloc[0])) if len(row) else (float("nan"), "secret")


def no_events_text(ctx: ReportContext) -> Text:
    return Text(section_text("mobilisation", "aucun_evenement", annee=ctx.year, sigle=ctx.sigle, **_names(ctx)))


def network_table(ctx: ReportContext, years: int = 5) -> Table | Text:
    """Network indicators over the last years (counts under 5 shown « < 5 »)."""
    v = network_values(ctx)
    v = v.loc[v["indicator_id"].isin(NETWORK_IDS)]
    if v.empty and not is_pole(ctx):
        return no_events_text(ctx)
    ys = sorted(v["year"].unique())[-years:]
    rows = []
    for iid in NETWORK_IDS:
        if not is_pole(ctx) and iid == "couverture_epci":
            continue
        s = v.loc[v["indicator_id"] == iid].set_index("year")["value"]
        rows.append({"Indicateur": ctx.catalogue[iid].short_title,
                     **{str(y): _network_cell(ctx, iid, s.get(y, float("nan"))) for y in ys}})
    caption = section_text("mobilisation", "tableau", pole=is_pole(ctx), sigle=ctx.sigle, **_names(ctx))
    return Table(pd.DataFrame(rows), caption,
                 sources=(source_line(ctx, NETWORK_IDS),), natures=frozenset(v["nature"].unique()))


def participation_figure(ctx: ReportContext) -> Figure | Text:
    """Participants by organisation type over the years (stacked bars), with its text alternative."""
    act = activity_of(ctx) or {}
    if not act or act["events"].empty:
        return no_events_text(ctx)
    w = participation_by_org_type(act["events"], act["participations"])
    w = w.loc[w.index <= ctx.year]
    w = w.loc[:, w.sum() > 0]
    if w.empty:
        return no_events_text(ctx)
    demo = set(w.index) if has_demonstration(ctx) else set()
    labels = {c: c[0].upper() + c[1:] for c in w.columns}
    colors = {c: ORGANISATION_COLORS[i % len(ORGANISATION_COLORS)] for i, c in enumerate(w.columns)}
    hatches = {c: ["", "//", "..", "xx", "\\\\"][i % 5] for i, c in enumerate(w.columns)}
    src = source_line(ctx, ["participants_uniques"])
    events = f"événements {_of_whole(ctx)}" + (f" {where(ctx)}," if where(ctx) else "")
    fig = charts.stacked(w, f"Participants aux {events} par type d'organisation", "personnes",
                         src, labels, colors, hatches, demo)
    last = w.iloc[-1].sort_values(ascending=False)
    alt = section_text("mobilisation", "alternative", evenements=events.rstrip(","), debut=w.index.min(),
                       fin=w.index.max(), types=[f"{k} {v if v >= 5 else 'moins de 5'}" for k, v in last.head(5).items()])
    return Figure(fig, alt, section_text("mobilisation", "legende"),
                  w, (src,), frozenset({"demonstration"} if demo else {"observed"}))


def network_sentences(ctx: ReportContext) -> Bullets | Text:
    v = network_values(ctx)
    people = v.loc[v["indicator_id"] == "participants_uniques", "year"]
    if people.empty:
        return no_events_text(ctx)
    y0 = max(ctx.first_year, int(people.min()))
    here = where(ctx)
    of = {"participants_uniques": here, "organisations_uniques": f"aux événements {here}" if here else ""}
    out, seen = [], set()
    for iid in ("participants_uniques", "organisations_uniques"):
        (v0, n0), (v1, n1) = _value(v, iid, y0), _value(v, iid, ctx.year)
        seen |= {n0, n1}
        s = evolution_sentence(iid, of[iid], y0, v0, ctx.year, v1, "increase", nature=n1,
                               short_caveat=True) if iid in subjects() else None
        if s:
            out.append(s.text.replace("  ", " ").replace(" ,", ","))
    h, nat = _value(v, "diversite_equitabilite", ctx.year)
    if h == h:  # not computed without participants in the year: no sentence
        seen.add(nat)
        out.append(render("annuel/diversite.j2", annee=ctx.year, ou=here, indice=fmt.number(h, 2),
                          demo=nat == "demonstration"))
    if not out:
        return no_events_text(ctx)
    return Bullets(out, natures=frozenset(seen))


def _verdict_bits(ctx: ReportContext, v: pd.DataFrame, ids: list[str]) -> list[Verdict | str]:
    """One verdict per indicator, the one its :class:`~pma_eval.report.statement.Statement` gives in every
    product (a verified target's, else « sans objectif vérifié : » and the pace alone); indicators
    without a value for the year named together in words, never a dash."""
    from .statement import statement

    bits, without = [], []
    for iid in ids:
        label = ctx.catalogue[iid].short_title
        if value(ctx, iid)[0] != value(ctx, iid)[0]:
            without.append(label)
            continue
        st = statement(ctx, iid)
        bits.append(Verdict(st.verdict.category, f"{label} : {st.verdict.label}"))
    return bits + ([f"sans valeur en {ctx.year} : {', '.join(without)}"] if without else [])


def actions_table(ctx: ReportContext) -> Table:
    """Per axis of the Pôle's strategy: commitments, actions by status, realisation, labelled projects,
    linked indicators with their verdict. In an EPCI's report, the actions, realisations and projects
    are the EPCI's own, beside the Pôle's commitments (labelled as the Pôle's)."""
    act, own = ctx.activity or {}, activity_of(ctx) or {}
    strategy = act["strategy"]
    projects = own["projects"]
    projects = projects.loc[(projects["labelled"].dt.year <= ctx.year) & (projects["status"] != "candidat")]
    actions = perimeter.started_by(own["actions"], ctx.year)
    v = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    pole, sigle = is_pole(ctx), ctx.sigle
    cols = (("Engagements", "Actions par statut", "Engagements concrétisés", "Projets labellisés") if pole else
            (f"Engagements {_of_whole(ctx)}", f"Actions de la {sigle} par statut", f"Concrétisés par la {sigle}",
             f"Projets labellisés dans la {sigle}"))
    rows = []
    for axis, grp in strategy.groupby("axis", sort=False):
        a = actions.loc[actions["commitment_id"].isin(grp["commitment_id"])]
        by_status = a["status"].value_counts()
        done = a.loc[a["status"] == "réalisé", "commitment_id"].nunique()
        carried = len(grp) if pole else a["commitment_id"].nunique()
        inds = sorted({i.strip() for s in grp["indicators"] for i in s.split(",") if i.strip()})
        rows.append({"Axe": axis, cols[0]: str(len(grp)),
                     cols[1]: [f"{k} : {n}" for k, n in by_status.items()] or "aucune action",
                     cols[2]: f"{done} / {carried}" if carried else "aucun engagement porté",
                     cols[3]: str(int((projects["axis"] == axis).sum())),
                     "Indicateurs liés et verdicts": _verdict_bits(ctx, v, inds[:3])})
    c = commitments(ctx)
    return Table(pd.DataFrame(rows), section_text("actions", "tableau", annee=ctx.year, sigle=sigle, pole=pole,
                                                    **_names(ctx)), numeric=[cols[0], cols[2], cols[3]], css="actions",
                 sources=(source_line(ctx, ["taux_concretisation"]),), natures=c.natures if c else frozenset())


def _done(done: int, total: int) -> dict:
    """The commitments with at least one completed action, formatted for ``annuel/concretisation.j2``."""
    return {"fait": done, "fait_texte": fmt.count(done, "engagement"), "total": total,
            "taux": fmt.percent(done / total, 0) if total else ""}


def concretisation_text(ctx: ReportContext) -> Text:
    """The share of the commitments with at least one completed action, as a sentence
    (``narrative/templates/annuel/concretisation.j2``): for an EPCI, among the Pôle's commitments its actions
    serve, beside the Pôle's; never a dash for a missing rate."""
    c = commitments(ctx)
    if c is None:
        return Text(render("annuel/concretisation.j2", annee=ctx.year, sigle=ctx.sigle, registre=False,
                           **_names(ctx)), "key-figure")
    whole = (None if is_pole(ctx) else
             perimeter.concretisation(ctx.activity["strategy"], ctx.activity["actions"], ctx.year))
    text = render("annuel/concretisation.j2", annee=ctx.year, sigle=ctx.sigle, registre=True, pole=is_pole(ctx),
                  demo="demonstration" in c.natures, propre=_done(c.done, c.total),
                  ensemble=_done(whole.done, whole.total) if whole else None, **_names(ctx))
    return Text(text, "key-figure", c.natures)


#: Statuses that name an action in « actions en retard ou en pause ».
LATE, PAUSED = "en retard", "en pause"
#: Statuses still open: past their end date, they are late too.
OPEN = ("à venir", "en cours")


def action_state(actions: pd.DataFrame, year: int) -> pd.Series:
    """The state of each action at the end of ``year``: its status, or « en retard (échéance dépassée) »
    for an action still open (« à venir », « en cours ») after its end date — the one reading of the
    decision page and of the late-actions table."""
    overdue = actions["status"].isin(OPEN) & actions["end"].notna() & (actions["end"] < pd.Timestamp(f"{year}-12-31"))
    return actions["status"].where(~overdue, LATE + " (échéance dépassée)")


def late_actions(ctx: ReportContext) -> pd.DataFrame:
    """Actions late or paused in the report's year: status « en retard » or « en pause », or still open
    (« à venir », « en cours ») after their end date. One row per action, with its commitment, pilot,
    budgets and the indicators its commitment is followed by. In an EPCI's report: its own actions and
    the Pôle's (``territory`` ``PMA``), never another EPCI's."""
    act = ctx.activity or {}
    if not act:
        return pd.DataFrame()
    strategy = act["strategy"]
    if is_pole(ctx):
        actions = act["actions"]
    else:
        actions = perimeter.with_territory(act, _lookup(ctx))["actions"]
        actions = actions.loc[actions["territory"].isin([ctx.sigle, perimeter.POLE])]
    year_end = pd.Timestamp(f"{ctx.year}-12-31")
    started = actions["start"].isna() | (actions["start"] <= year_end)
    overdue = actions["status"].isin(OPEN) & actions["end"].notna() & (actions["end"] < year_end)
    sel = actions.loc[started & (actions["status"].isin([LATE, PAUSED]) | overdue)].copy()
    sel["state"] = action_state(sel, ctx.year)
    sel = sel.merge(strategy[["commitment_id", "commitment", "axis", "indicators"]], on="commitment_id", how="left")
    return sel.sort_values(["state", "end", "action_id"]).reset_index(drop=True)


def late_actions_table(ctx: ReportContext) -> Table | Text:
    """« Du récit aux actions »: the late and paused actions by name (issue 15), not counts. In an EPCI's
    report, the Pôle's actions are labelled « action du Pôle » beside the pilot."""
    a = late_actions(ctx)
    whose = "" if is_pole(ctx) else f" de la {ctx.sigle}"
    if a.empty:
        return Text(section_text("actions", "aucune_en_retard", annee=ctx.year, de_qui=whose, **_names(ctx)))

    def euros(x: float) -> str:
        return fmt.MISSING if x != x else f"{fmt.number(x, 0)}\u00a0€"

    def titles(ids: str) -> str:
        known = [i.strip() for i in str(ids or "").split(",") if i.strip() in ctx.catalogue.indicators]
        return ", ".join(ctx.catalogue[i].short_title for i in known) or "—"

    pilot = a["pilot"].fillna("—")
    pole_rows = a["territory"].eq(perimeter.POLE) if "territory" in a else pd.Series(False, index=a.index)
    if not is_pole(ctx):
        of = _of_whole(ctx)
        pilot = pilot.where(~pole_rows, pilot + f" (action {of})")
        whose = f" de la {ctx.sigle}" + (f" et {of}" if pole_rows.any() else "")
    frame = pd.DataFrame({
        "Action": a["title"], "Pilote": pilot,
        "État": a["state"], "Échéance": a["end"].dt.strftime("%d/%m/%Y").fillna("—"),
        "Budget prévu": a["budget_planned"].map(euros), "Dépensé": a["budget_spent"].map(euros),
        "Indicateurs liés": a["indicators"].map(titles)})
    return Table(frame, section_text("actions", "tableau_en_retard", annee=ctx.year, de_qui=whose, nombre=len(a),
                                   **_names(ctx)),
                 numeric=["Budget prévu", "Dépensé"], css="late-actions", long=True,
                 natures=frozenset(a["nature"]))
