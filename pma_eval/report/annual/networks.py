"""Energy networks and the territory's energy bill in the annual report."""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...errors import ConfigurationError
from ...processed import load
from ...vocabulary import CARRIER_LABELS
from ...narrative.sentences import render
from ...narrative import section_text
from ..blocks import Table, Text
from ..context import ReportContext, demonstration_note, display, source_line, value


def has_networks(ctx: ReportContext) -> bool:
    """Delivery points or an energy bill for the report year?"""
    return any(value(ctx, i)[0] == value(ctx, i)[0]
               for i in ("points_livraison_electricite", "points_livraison_gaz", "facture_energetique"))


def _bill_rows(ctx: ReportContext) -> pd.DataFrame:
    try:
        t = load("energy_bill", ctx.paths)
    except ConfigurationError:
        return pd.DataFrame()
    return t[(t["geo_level"] == ctx.geo_level) & (t["geo_code"] == ctx.geo_code) & (t["year"] == ctx.year)]


def networks_sentence(ctx: ReportContext) -> Text:
    """Delivery points of each network, then the bill with the year of its prices.

    The Agence ORE is named only for values it published (observed): a demonstration value is said to be one,
    never attributed to a producer. Nothing is said of the data that the inputs lack (that is for
    ``pma-eval data etat``): heat networks appear only when the energy table has their deliveries."""
    points, natures = [], set()
    for iid, carrier in (("points_livraison_electricite", "electricite"), ("points_livraison_gaz", "gaz")):
        v, n = value(ctx, iid)
        prev, _ = value(ctx, iid, ctx.year - 1)
        if v == v:
            natures.add(n)
            points.append({"vecteur": carrier, "nombre": fmt.number(v, 0),
                           "variation": fmt.number(v - prev, 0, signed=True) if prev == prev else None})
    note = demonstration_note(natures).strip().rstrip(".")  # « Valeurs de démonstration »
    text = render("annuel/reseaux_points.j2", annee=ctx.year, points=points, de_territoire=ctx.of_name,
                  selon_ore=natures - {"secret"} == {"observed"}, note=note[:1].lower() + note[1:] if note else None)
    heat = _heat_sentence(ctx)
    text += f" {heat}" if heat else ""
    bill, nb = value(ctx, "facture_energetique")
    per, _ = value(ctx, "facture_energetique_par_habitant")
    rows = _bill_rows(ctx) if bill == bill else pd.DataFrame()
    if bill == bill:
        natures.add(nb)
    text += " " + render("annuel/facture.j2", annee=ctx.year, montant=fmt.number(bill / 1e6, 0) if bill == bill else None,
                         par_habitant=fmt.number(per, 0), incomplete=not rows.empty and not rows["complete"].all(),
                         prix=nb, prix_chaleur_demo=_heat_price(ctx, rows) if bill == bill else None)
    return Text(text, "key-figure", frozenset(natures - {"secret"}))


def _heat_price(ctx: ReportContext, bill: pd.DataFrame) -> str | None:
    """The demonstration price of observed network heat (no observed price of network heat is shipped), formatted,
    or None: the bill's sentence says it, so that a real delivery is not read as a real cost."""
    e = ctx.energy
    if e is None or bill.empty:
        return None
    heat = e[(e["geo_level"] == ctx.geo_level) & (e["geo_code"] == ctx.geo_code) & (e["year"] == ctx.year)
             & (e["carrier"] == "chaleur_reseau")]
    priced = bill[bill["carrier"] == "chaleur_reseau"]
    conso, cost = heat["value"].sum(min_count=1), priced["value"].sum(min_count=1)
    if not (conso == conso and cost == cost and conso > 0) or "demonstration" not in set(priced["nature"]):
        return None
    if "observed" not in set(heat["nature"]):
        return None
    return f"{fmt.number(cost / conso, 0)}\u00a0€/MWh"


def _heat_sentence(ctx: ReportContext) -> str:
    """Heat delivered by the networks in the report year: « au moins » where secret cells are left out, its nature;
    a year without deliveries when other years have some is said to be unknown (2019 is in no SDES release)."""
    e = ctx.energy
    if e is None or e.empty:
        return ""
    heat = e[(e["geo_level"] == ctx.geo_level) & (e["geo_code"] == ctx.geo_code) & (e["carrier"] == "chaleur_reseau")]
    mine = heat[heat["year"] == ctx.year]
    total = mine["value"].sum(min_count=1)
    # years of the series without any known delivery (no SDES release): unknown, never 0 (assemble.reconcile.release_gaps)
    unknown = sorted(int(y) for y, v in heat.groupby("year")["value"].sum(min_count=1).items() if v != v)
    if not (total == total and total > 0):
        # deliveries unknown this year while other years have some: said; else nothing
        return render("annuel/reseaux_chaleur.j2", annee=ctx.year, inconnue=True) if heat["value"].gt(0).any() else ""
    minimum = "complete" in mine and not mine["complete"].all() or mine["nature"].eq("secret").any()
    natures = set(mine["nature"]) - {"secret"}
    before = [y for y in unknown if y < ctx.year]
    return render("annuel/reseaux_chaleur.j2", annee=ctx.year, inconnue=False, selon_sdes=natures == {"observed"},
                  au_moins=minimum, livraisons=display("MWh", total),
                  demo=("partie" if len(natures) > 1 else "valeur") if "demonstration" in natures else None,
                  annees_sans=_years(before) if before else None)


def _years(years: list[int]) -> str:
    """« 2012 à 2017, 2019 et 2021 »: runs of years in words."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]} et {r[1]}" if len(r) == 2 else f"{r[0]} à {r[-1]}" for r in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def bill_table(ctx: ReportContext) -> Table | None:
    """The bill of the report year by energy: bill, share, and the average price it implies."""
    rows = _bill_rows(ctx)
    if rows.empty or ctx.energy is None:
        return None
    energy = ctx.energy  # loaded once by the context (EPCI and Pôle rows)
    e = energy[(energy["geo_level"] == ctx.geo_level) & (energy["geo_code"] == ctx.geo_code) & (energy["year"] == ctx.year)]
    bill = rows.groupby("carrier")["value"].sum(min_count=1)
    conso = e.groupby("carrier")["value"].sum(min_count=1)
    total = bill.sum()
    out = [{"Énergie": CARRIER_LABELS.get(c, c), "Consommation (GWh)": conso.get(c, float("nan")) / 1000,
            "Prix moyen (€/MWh)": b / conso[c] if conso.get(c) else float("nan"), "Facture (M€)": b / 1e6,
            "Part": b / total if total else float("nan")}
           for c, b in bill.sort_values(ascending=False).items() if b == b]
    return Table(pd.DataFrame(out), section_text("reseaux_energie", "tableau", annee=ctx.year, nom=ctx.name),
                 formats={"Consommation (GWh)": lambda x: fmt.number(x, 0), "Prix moyen (€/MWh)": lambda x: fmt.number(x, 0),
                          "Facture (M€)": lambda x: fmt.number(x, 0), "Part": lambda x: fmt.percent(x, 0)},
                 numeric=["Consommation (GWh)", "Prix moyen (€/MWh)", "Facture (M€)", "Part"],
                 sources=(source_line(ctx, ["facture_energetique"]),), natures=frozenset(rows["nature"]) - {"secret"})
