"""Population and greenhouse-gas sections of the annual report: tables, charts, map, drivers."""

from __future__ import annotations

import pandas as pd

from ... import charts, fmt, maps
from ...evaluation import FACTOR_LABELS_FR, emissions_drivers
from ...territory import NATURE_LABELS_FR
from ...vocabulary import PCAET, SECTOR_LABELS, TERRITORY_COLORS, UNITS, WHOLE_COLOR
from ...narrative.sentences import render
from ...narrative import section_text
from ..blocks import Figure, Table, Text
from ..statement import incomplete_note, incompleteness, is_complete
from ..context import ReportContext, demo_years_sentence, display, formats_line, names, source_line, value, wide


def population_table(ctx: ReportContext) -> Table:
    rows, seen = [], set()
    # the whole, then each of its EPCIs (none for a territory of one EPCI: the same row twice)
    scope = [(ctx.geo_level, ctx.geo_code)] + ([("epci", c) for c in ctx.territory.epcis["epci_siren"]]
                                               if ctx.geo_level == "pma" and len(ctx.territory.epcis) > 1 else [])
    for level, code in scope:
        v1, n1 = value(ctx, "population", ctx.year, level, code)
        v0, n0 = value(ctx, "population", ctx.first_year, level, code)
        seen |= {n1, n0}
        rows.append({"Territoire": ctx.territory.name(level, code), f"Population {ctx.year}": v1,
                     f"Évolution depuis {ctx.first_year}": v1 / v0 - 1, "Nature": n1})
    return Table(pd.DataFrame(rows), section_text("population", "tableau", annee=ctx.year),
                 formats={f"Population {ctx.year}": fmt.number,
                          f"Évolution depuis {ctx.first_year}": lambda x: fmt.percent(x, 1, signed=True),
                          "Nature": NATURE_LABELS_FR.get},
                 sources=(source_line(ctx, ["population"]),), natures=frozenset(seen))


def sector_table(ctx: ReportContext, prefix: str, sectors, total_id: str, caption: str,
                 per_hab: bool = True) -> Table:
    """Value, share and per-inhabitant value of each sector in the report year (units from the vocabulary)."""
    total, nt = value(ctx, total_id)
    pop, _ = value(ctx, "population")
    unit = ctx.catalogue[total_id].short_unit
    shown = UNITS[unit].display
    value_col, per_col = f"Valeur ({shown})", f"Par habitant ({unit.split('/')[0]}/hab)"
    rows, seen = [], {nt}
    for s in sectors:
        v, n = value(ctx, f"{prefix}{s}")
        seen.add(n)
        # an incomplete total is a lower bound, said in its row (issue 23)
        label = SECTOR_LABELS[s] + ("" if is_complete(ctx, f"{prefix}{s}") else " (au moins)")
        rows.append({"Secteur": label, value_col: v, "Part du total": v / total if total else float("nan"),
                     **({per_col: v / pop} if per_hab else {})})
    rows.append({"Secteur": "Total" + ("" if is_complete(ctx, total_id) else " (au moins)"), value_col: total,
                 "Part du total": 1.0, **({per_col: total / pop} if per_hab else {})})
    formats = {value_col: lambda x: display(unit, x, with_unit=False), "Part du total": lambda x: fmt.percent(x, 0)}
    if per_hab:
        formats[per_col] = lambda x: fmt.number(x, 2)
    ids = [total_id] + [f"{prefix}{s}" for s in sectors]
    return Table(pd.DataFrame(rows), caption, formats=formats, sources=(source_line(ctx, ids),),
                 natures=frozenset(seen))


def emissions_figure(ctx: ReportContext, title: str | None = None) -> Figure:
    w, demo, seen = wide(ctx, "ges_", PCAET)
    src = source_line(ctx, [f"ges_{s}" for s in PCAET])
    title = title or f"Émissions de gaz à effet de serre par secteur — {ctx.name}"

    def make():
        return charts.stacked_sectors(w, title, "kt CO₂e", src, demo_years=demo, scale=1000)

    tot = w.sum(axis=1, min_count=1) / 1000
    first, last = int(w.index.min()), int(w.index.max())
    top = w.loc[ctx.year].sort_values(ascending=False)
    alt = section_text("emissions", "alternative", de_nom=ctx.of_name, debut=first, fin=last, annee=ctx.year,
                       total_debut=fmt.number(tot[first], 0), total_fin=fmt.number(tot[last], 0),
                       premiers=[{"nom": SECTOR_LABELS[s].lower(), "kt": fmt.number(v / 1000, 0)}
                                 for s, v in top.head(3).items()]) + demo_years_sentence(demo)
    return Figure(make(), alt, section_text("emissions", "legende"), w, (src,), seen, make)


def drivers(ctx: ReportContext, start: int | None = None) -> pd.Series | None:
    """LMDI effects [t CO₂e] of the change in emissions between ``start`` and the report year, or None."""
    if ctx.energy is None:
        return None
    try:
        return emissions_drivers(ctx.indicators, ctx.energy, ctx.geo_level, ctx.geo_code, start or ctx.first_year,
                                 ctx.year, ctx.energy_corrected)
    except (ValueError, KeyError):
        return None


def drivers_figure(ctx: ReportContext, start: int | None = None) -> Figure | None:
    """LMDI waterfall of the change in emissions between ``start`` (default: first year) and the report year."""
    start = start or ctx.first_year
    eff = drivers(ctx, start)
    if eff is None:
        return None
    (e0, n0), (e1, n1) = value(ctx, "ges_total", start), value(ctx, "ges_total")
    labelled = pd.Series({FACTOR_LABELS_FR[k]: v / 1000 for k, v in eff.items()})
    src = source_line(ctx, ["ges_total", "conso_energie_finale", "population"]) + " ; décomposition LMDI"
    fig = charts.waterfall((f"Émissions {start}", e0 / 1000), labelled, (f"Émissions {ctx.year}", e1 / 1000),
                           f"Ce qui a fait varier les émissions, {start}–{ctx.year} — {ctx.name}", "kt CO₂e", src)
    alt = section_text("facteurs", "alternative", debut=start, fin=ctx.year, avant=fmt.number(e0 / 1000, 0),
                       apres=fmt.number(e1 / 1000, 0),
                       effets=[{"nom": k.lower(), "kt": fmt.number(v, 0, signed=True)} for k, v in labelled.items()])
    return Figure(fig, alt, section_text("facteurs", "legende"), eff.rename("t CO₂e"), (src,),
                  frozenset({n0, n1}))


def drivers_sentence(ctx: ReportContext, eff: pd.Series, start: int) -> Text:
    named = sorted(((FACTOR_LABELS_FR[k], v) for k, v in eff.items()), key=lambda kv: kv[1])
    main, v = named[0]
    kt = lambda x: fmt.number(x / 1000, 0, signed=True)  # noqa: E731
    up = named[-1][1] > 0
    return Text(render("annuel/facteurs.j2", debut=start, fin=ctx.year, baisse=main.lower(), baisse_kt=kt(v),
                       hausse=named[-1][0].lower() if up else None, hausse_kt=kt(named[-1][1]) if up else None,
                       climat=kt(eff["climate"]) if "climate" in eff else None))


def map_figure(ctx: ReportContext, shapes: dict, iid: str = "ges_par_habitant", year: int | None = None) -> Figure:
    """Choropleth of an indicator by commune (``shapes``: :func:`pma_eval.processed.load_shapes`)."""
    year = year or ctx.year
    v = ctx.indicators
    v = v.loc[(v["indicator_id"] == iid) & (v["geo_level"] == "commune") & (v["year"] == year)]
    if ctx.geo_level == "epci":
        v = v.loc[v["geo_code"].isin(ctx.territory.members("epci", ctx.geo_code))]
    vals = v.set_index("geo_code")["value"]
    shapes = {c: shapes[c] for c in vals.index if c in shapes}
    ind = ctx.catalogue[iid]
    src = source_line(ctx, [iid])
    natures_ = frozenset(v["nature"].unique())
    demo = " (données de démonstration)" if "demonstration" in natures_ else ""
    groups = ctx.territory.communes.set_index("code_insee")["epci_siren"]
    groups = groups.loc[groups.index.isin(shapes)]
    pop = ctx.indicators.loc[(ctx.indicators["indicator_id"] == "population") & (ctx.indicators["geo_level"] == "commune")
                             & (ctx.indicators["year"] == year)].set_index("geo_code")["value"]
    towns = pop.loc[pop.index.isin(shapes)].sort_values(ascending=False).head(MAP_TOWNS)
    labels = {c: ctx.territory.name("commune", c) for c in towns.index}
    # an incomplete total is a lower bound: marked on the map and named in the caption (issue 23)
    incomplete = [c for c in v.loc[~v["complete"].astype(bool), "geo_code"]] if "complete" in v else []
    fig = maps.choropleth(shapes, vals, f"{ind.short_title} par commune en {year}{demo}", ind.short_unit, src,
                          groups=groups, labels=labels, incomplete=incomplete)
    top = vals.sort_values(ascending=False).head(3)
    alt = section_text("carte", "alternative", communes=len(vals), de_nom=ctx.of_name, indicateur=ind.title,
                       annee=year, villes=len(labels),
                       plus_elevees=[f"{ctx.territory.name('commune', c)} ({fmt.number(x, 1)} {ind.short_unit})"
                                     for c, x in top.items()],
                       incompletes=len(incomplete),
                       nommees=[ctx.territory.name("commune", c) for c in incomplete[:5]])
    caption = f"{ind.title}, {year}, par commune" + industrial_caveat(ctx, vals, year)
    note = incomplete_note(incompleteness(ctx.indicators, year)[1], incomplete, ctx.territory)
    return Figure(fig, alt, f"{caption.rstrip('.')}. {note}" if note else caption, vals, (src,), natures_)


#: Towns named on the maps (the most populous).
MAP_TOWNS = 6
#: A commune whose industry and energy branch make more than this share of its emissions has a
#: per-inhabitant value that reflects a site more than its inhabitants.
INDUSTRIAL_SHARE = 0.5


def industrial_caveat(ctx: ReportContext, vals: pd.Series, year: int) -> str:
    """« Attention : à Haisnes, l'industrie et la production d'énergie font 85 % des émissions… » for the
    communes of the top class whose emissions are mostly industrial, else an empty string."""
    v = ctx.indicators
    v = v.loc[(v["geo_level"] == "commune") & (v["year"] == year)].pivot_table(
        index="geo_code", columns="indicator_id", values="value")
    needed = {"ges_total", "ges_industrie_hors_energie", "ges_branche_energie"}
    if not needed <= set(v.columns):
        return ""
    share = (v["ges_industrie_hors_energie"].fillna(0) + v["ges_branche_energie"].fillna(0)) / v["ges_total"]
    top_class = vals >= vals.quantile(0.8)
    hit = [(c, share[c]) for c in vals.index[top_class] if c in share and share[c] > INDUSTRIAL_SHARE]
    if not hit:
        return ""
    hit = sorted(hit, key=lambda t: -t[1])[:4]
    names = ", ".join(f"{ctx.territory.name('commune', c)} ({fmt.percent(s, 0)})" for c, s in hit)
    return ". " + section_text("carte", "attention_industrie", communes=names)


def epci_comparison(ctx: ReportContext, iid: str = "ges_par_habitant") -> pd.Series:
    """Per-inhabitant values of the whole territory and its EPCIs, recomputed from totals (never averaged)."""
    whole = ctx.territory.code
    out = {ctx.territory.name("pma", whole): value(ctx, iid, level="pma", code=whole)[0]}
    for c in ctx.territory.epcis["epci_siren"]:
        out[ctx.territory.name("epci", c)] = value(ctx, iid, level="epci", code=c)[0]
    return pd.Series(out)


def epci_figure(ctx: ReportContext) -> Figure:
    iid = "ges_par_habitant"
    places = [("pma", ctx.territory.code)] + [("epci", c) for c in ctx.territory.epcis["epci_siren"]]
    values = epci_comparison(ctx, iid)
    seen = frozenset(value(ctx, iid, level=lv, code=c)[1] for lv, c in places)
    # an incomplete total is a minimum: « * » on its bar, « au moins » in the text alternative (issue 23)
    whole = [is_complete(ctx, iid, level=lv, code=c) for lv, c in places]
    labels = [k + ("" if ok else f" {maps.INCOMPLETE_MARK}") for k, ok in zip(values.index, whole)]
    colours = territory_colors(ctx)
    shown = pd.Series(values.to_numpy(), index=labels)
    src = source_line(ctx, [iid])

    def make():
        return charts.bars(shown, f"Émissions par habitant en {ctx.year}", "t CO₂e par habitant", src,
                           decimals=1, highlight=labels[list(values.index).index(ctx.name)] if ctx.name in values.index
                           else None, colors={lab: colours[k] for lab, k in zip(labels, values.index) if k in colours},
                           width=5.6)

    alt = section_text("carte", "alternative_agglomerations", annee=ctx.year,
                       valeurs=[f"{k} {'' if ok else 'au moins '}{fmt.number(v, 1)} t CO₂e"
                                for (k, v), ok in zip(values.items(), whole)])
    caption = section_text("carte", "legende_agglomerations", annee=ctx.year,
                           marque="" if all(whole) else maps.INCOMPLETE_MARK, **names(ctx))
    return Figure(make(), alt, caption, values, (src,), seen, make)


def territory_color(ctx: ReportContext, level: str, code: str) -> str | None:
    """The house colour of the whole territory or one of its EPCIs (vocabulary.yml, by short name; the whole's
    house colour for a whole territory without one of its own), else None."""
    if level == "pma":
        return TERRITORY_COLORS.get(code, WHOLE_COLOR)
    row = ctx.territory.epcis.loc[ctx.territory.epcis["epci_siren"] == code] if level == "epci" else []
    return TERRITORY_COLORS.get(str(row["epci_sigle"].iloc[0])) if len(row) else None


def territory_colors(ctx: ReportContext) -> dict[str, str]:
    """Display name → colour of the whole territory and its EPCIs: one colour per territory in every chart."""
    out = {ctx.territory.name("pma", ctx.territory.code): territory_color(ctx, "pma", ctx.territory.code)}
    for c in ctx.territory.epcis["epci_siren"]:
        if (color := territory_color(ctx, "epci", c)) is not None:
            out[ctx.territory.name("epci", c)] = color
    return out


# --- comparisons on observed data (CITEPA IGT of the region) -------------------------------------------

COMPARISON_FORMATS = ("igt_citepa_region", "communes_region")
#: Colours of the roles of a comparison; the territory and its EPCIs keep their own colour whatever their role.
ROLE_COLORS = {"territoire": TERRITORY_COLORS["autres"], "membre": TERRITORY_COLORS["autres"],
               "pair": TERRITORY_COLORS["autres"], "departement": TERRITORY_COLORS["departement"],
               "region": TERRITORY_COLORS["region"]}
ROLE_LEGEND = {"pair": "Autres territoires comparables", "departement": "Départements", "region": "Région"}
ROLE_SUFFIX = {"departement": " (département)", "region": " (région)"}


def comparison_members(ctx: ReportContext) -> set[str]:
    """The EPCIs of the whole territory, for :func:`pma_eval.comparisons.ranking` (its EPCIs beside it; a territory of
    one EPCI is that EPCI, compared by the EPCI rule and not listed as its own comparable); none for an EPCI."""
    return set(ctx.territory.epcis["epci_siren"]) if ctx.geo_level == "pma" else set()


def comparison_rule(ctx: ReportContext):
    """The territory's comparables rule, as its declaration writes it (:class:`pma_eval.comparisons.PeerRule`)."""
    from ...comparisons import PeerRule

    return PeerRule.of(ctx.territory.whole.comparables)


def comparison_frame(ctx: ReportContext) -> pd.DataFrame | None:
    """The ranking of :func:`pma_eval.comparisons.ranking` for the report's territory, with display labels
    (« * » marks an incomplete total), or None without the region's inventory."""
    from ...comparisons import ranking

    if ctx.comparisons is None or ctx.comparisons.empty:
        return None
    r = ranking(ctx.comparisons, ctx.geo_level, ctx.geo_code, members=comparison_members(ctx),
                rule=comparison_rule(ctx))
    if not (r["role"] == "territoire").any():
        return None
    r["label"] = [f"{n}{ROLE_SUFFIX.get(role, '')}{'' if ok else ' *'}"
                  for n, role, ok in zip(r["name"], r["role"], r["complete"].astype(bool))]
    return r


def comparison_figure(ctx: ReportContext) -> Figure | None:
    """Ranked bars of the per-inhabitant emissions of the territory among comparable agglomerations,
    its département(s) and the region, on the observed inventory (issue 15)."""
    from ...comparisons import rule_text

    r = comparison_frame(ctx)
    if r is None:
        return None
    year = int(r["year"].iloc[0])
    values = pd.Series(r["per_capita"].to_numpy(), index=r["label"])
    colors = {lab: territory_color(ctx, level, code) or ROLE_COLORS[role]
              for lab, role, level, code in zip(r["label"], r["role"], r["geo_level"], r["geo_code"])}
    own = [c for lab, c in colors.items() if c not in ROLE_COLORS.values()]
    said = names(ctx)
    whole = said["sujet_ensemble"]
    # « Le Pôle et ses agglomérations »; a territory of one EPCI by its name
    own_label = (whole[:1].upper() + whole[1:] + f" et ses {said['membres_nom']}" if said["epcis"] > 1
                 else said["nom_ensemble"])
    legend = ([(own_label, tuple(dict.fromkeys(own)))] if own else []) + [
        (text, ROLE_COLORS[role]) for role, text in ROLE_LEGEND.items()
        if any(colors[lab] == ROLE_COLORS[role] for lab in r.loc[r["role"] == role, "label"])]
    highlight = r.loc[r["role"] == "territoire", "label"].iloc[0]
    median = float(values.median())
    clip = 2.5 * median if values.max() > 3 * median else None
    src = formats_line(ctx.manifest, COMPARISON_FORMATS)
    title = f"Émissions par habitant en {year},\nterritoires comparables"

    # the same without industry and the energy branch (point sources), a tick on each bar (issue 27)
    core = (pd.Series(r["per_capita_core"].to_numpy(), index=r["label"]) if "per_capita_core" in r else None)
    core = core if core is not None and core.notna().any() else None

    def make():
        return charts.bars(values, title, "t CO₂e par habitant", src, decimals=1, colors=colors, clip=clip, width=7.2,
                           highlight=highlight, legend=legend, legend_low=True, marks=core,
                           marks_label="Sans l'industrie ni la branche énergie")

    peers_ = r.loc[r["role"] == "pair", "name"].tolist()
    members = int((r["role"] == "membre").sum())
    me = r.loc[r["role"] == "territoire"].iloc[0]
    alt = section_text("comparaison", "alternative", annee=year, nom=ctx.name,
                       valeurs=[f"{k} {fmt.number(v, 1)}" for k, v in values.items()],
                       valeur=fmt.number(me["per_capita"], 1),
                       de_nom=ctx.of_name, valeur_hors=(("" if bool(me.get("complete_core", True)) else "au moins ")
                                                        + fmt.number(me["per_capita_core"], 1)) if core is not None else None)
    caption = section_text("comparaison", "legende", regle=rule_text(ctx.geo_level, comparison_rule(ctx), comparison_members(ctx)), pairs=len(peers_),
                           membres=members, coupee=clip is not None, traits=core is not None,
                           **{k: said[k] for k in ("membres_nom", "de_ensemble")})
    data = r[[c for c in ("name", "role", "geo_level", "geo_code", "population", "value", "per_capita", "complete",
                          "per_capita_core", "complete_core") if c in r]]
    return Figure(make(), alt, caption, data, (src,), frozenset({"observed"}), make)


def comparison_sentence(ctx: ReportContext) -> Text | None:
    """« En 2016 (inventaire observé), 5,1 t CO₂e par habitant, contre 7,3 dans le Pas-de-Calais… »"""
    r = comparison_frame(ctx)
    if r is None:
        return None
    me = r.loc[r["role"] == "territoire"].iloc[0]
    dep = r.loc[(r["role"] == "departement") & (r["geo_code"] == me["departement"])]  # its main département
    reg = r.loc[r["role"] == "region"]
    peers_ = r.loc[r["role"] == "pair", "per_capita"]
    rank = int((peers_ < me["per_capita"]).sum()) + 1  # 1er: the least emitting, as the batch index ranks
    core = "per_capita_core" in r and pd.notna(me["per_capita_core"])

    def value(row, column: str = "per_capita", complete: str = "complete") -> str:
        """The value, « au moins » where its total has a gap (issue 23: an incomplete total is never told whole)."""
        least = "" if column not in row or bool(row.get(complete, True)) else "au moins "
        return least + fmt.number(row[column], 1)

    text = render("annuel/comparaison_territoires.j2", annee=int(me["year"]), de_territoire=ctx.of_name,
                  valeur=f"{value(me)}\u00a0t CO₂e",
                  valeur_hors=value(me, "per_capita_core", "complete_core") if core else None,
                  valeur_hors_region=(value(reg.iloc[0], "per_capita_core", "complete_core")
                                      if core and len(reg) and pd.notna(reg["per_capita_core"].iloc[0]) else None),
                  departement=dep["name"].iloc[0] if len(dep) else None,
                  valeur_departement=value(dep.iloc[0]) if len(dep) else None,
                  region=bool(len(reg)), valeur_region=value(reg.iloc[0]) if len(reg) else None,
                  rang=("1er" if rank == 1 else f"{rank}ᵉ") if len(peers_) else None, compares=len(peers_) + 1,
                  mediane=fmt.number(float(peers_.median()), 1) if len(peers_) else None)
    return Text(text, natures=frozenset({"observed"}))
