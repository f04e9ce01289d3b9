"""Energy networks and the territory's energy bill in the annual report."""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...errors import ConfigurationError
from ...processed import load
from ...vocabulary import CARRIER_LABELS
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
    parts, natures = [], set()
    for iid, what in (("points_livraison_electricite", "d'électricité"), ("points_livraison_gaz", "de gaz")):
        v, n = value(ctx, iid)
        prev, _ = value(ctx, iid, ctx.year - 1)
        if v == v:
            natures.add(n)
            parts.append(f"{fmt.number(v, 0)} points de livraison {what}"
                         + (f" ({fmt.number(v - prev, 0, signed=True)} en un an)" if prev == prev else ""))
    if parts:
        observed = natures - {"secret"} == {"observed"}
        note = demonstration_note(natures).strip().rstrip(".")  # « Valeurs de démonstration »
        text = (f"En {ctx.year}, " + ("selon l'Agence ORE, les" if observed else "les") + f" réseaux {ctx.of_name} "
                f"desservent " + " et ".join(parts) + ", tous secteurs confondus"
                + (f" ({note[:1].lower() + note[1:]})" if note else "") + ".")
    else:
        text = "Aucun point de livraison n'est publié pour ce territoire."
    text += _heat_sentence(ctx)
    bill, nb = value(ctx, "facture_energetique")
    per, _ = value(ctx, "facture_energetique_par_habitant")
    if bill == bill:
        natures.add(nb)
        text += (f" La facture énergétique du territoire est estimée à {fmt.number(bill / 1e6, 0)} M€ en {ctx.year} "
                 f"({fmt.number(per, 0)} € par habitant), aux prix moyens de {ctx.year}, toutes taxes comprises")
        rows = _bill_rows(ctx)
        if not rows.empty and not rows["complete"].all():
            text += " ; des énergies sans prix n'y sont pas comptées (minimum)"
        text += "." + ("" if nb == "observed" else " Prix moyens de démonstration." if nb == "demonstration" else "")
        text += _heat_price_note(ctx, rows)
    else:
        text += f" La facture énergétique n'est pas calculée pour {ctx.year} : aucun prix moyen de l'énergie n'est connu pour cette année."
    return Text(text, "key-figure", frozenset(natures - {"secret"}))


def _heat_price_note(ctx: ReportContext, bill: pd.DataFrame) -> str:
    """Observed network heat priced at a demonstration price (no observed price of network heat is shipped): said,
    with the price, so that a real delivery is not read as a real cost."""
    e = ctx.energy
    if e is None or bill.empty:
        return ""
    heat = e[(e["geo_level"] == ctx.geo_level) & (e["geo_code"] == ctx.geo_code) & (e["year"] == ctx.year)
             & (e["carrier"] == "chaleur_reseau")]
    priced = bill[bill["carrier"] == "chaleur_reseau"]
    conso, cost = heat["value"].sum(min_count=1), priced["value"].sum(min_count=1)
    if not (conso == conso and cost == cost and conso > 0) or "demonstration" not in set(priced["nature"]):
        return ""
    if "observed" not in set(heat["nature"]):
        return ""
    return (f" La chaleur livrée par les réseaux, observée, y est comptée au prix de démonstration de "
            f"{fmt.number(cost / conso, 0)}\u00a0€/MWh : aucun prix réel de cette chaleur n'est fourni.")


def _heat_sentence(ctx: ReportContext) -> str:
    """Heat delivered by the networks in the report year: « au moins » where secret cells are left out, its nature;
    a year without deliveries when other years have some is said to be unknown (2019 is in no SDES release)."""
    e = ctx.energy
    if e is None or e.empty:
        return ""
    heat = e[(e["geo_level"] == ctx.geo_level) & (e["geo_code"] == ctx.geo_code) & (e["carrier"] == "chaleur_reseau")]
    mine = heat[heat["year"] == ctx.year]
    total = mine["value"].sum(min_count=1)
    # years of the series without any known delivery (no SDES release): unknown, never 0 (build.reconcile.release_gaps)
    unknown = sorted(int(y) for y, v in heat.groupby("year")["value"].sum(min_count=1).items() if v != v)
    if not (total == total and total > 0):
        if heat["value"].gt(0).any():
            return (f" Les livraisons des réseaux de chaleur ne sont pas connues pour {ctx.year} (aucune livraison "
                    "publiée par le SDES pour cette année) : la consommation totale de cette année est incomplète, "
                    "hors réseaux de chaleur.")
        return ""
    minimum = "complete" in mine and not mine["complete"].all() or mine["nature"].eq("secret").any()
    natures = set(mine["nature"]) - {"secret"}
    who = "Selon le SDES, les" if natures == {"observed"} else "Les"
    text = f" {who} réseaux de chaleur livrent {'au moins ' if minimum else ''}{display('MWh', total)}"
    if minimum:
        text += " (total incomplet : une partie des livraisons est secrète ou manque)"
    if "demonstration" in natures:
        text += " (valeurs en partie de démonstration)" if len(natures) > 1 else " (valeur de démonstration)"
    text += (". Leur part renouvelable ou de récupération n'est pas connue : elle demande le bouquet de chaque réseau, "
             "saisi avec sa source")
    text += "."
    before = [y for y in unknown if y < ctx.year]
    if before:
        text += (f" Aucune livraison n'est publiée pour {_years(before)} : la consommation totale de ces années est "
                 "incomplète (hors réseaux de chaleur) ; l'écart avec les années qui la comptent tient aux données, "
                 "non à la consommation.")
    return text


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
    return Table(pd.DataFrame(out), f"Facture énergétique {ctx.year} par énergie, aux prix moyens de {ctx.year} — {ctx.name}",
                 formats={"Consommation (GWh)": lambda x: fmt.number(x, 0), "Prix moyen (€/MWh)": lambda x: fmt.number(x, 0),
                          "Facture (M€)": lambda x: fmt.number(x, 0), "Part": lambda x: fmt.percent(x, 0)},
                 numeric=["Consommation (GWh)", "Prix moyen (€/MWh)", "Facture (M€)", "Part"],
                 sources=(source_line(ctx, ["facture_energetique"]),), natures=frozenset(rows["nature"]) - {"secret"})
