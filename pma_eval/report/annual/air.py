"""Air-quality section of the annual report: emissions of the six pollutants of a PCAET diagnostic,
their change since the reference year of the national targets (PRÉPA, 2005) and the main sector."""

from __future__ import annotations

import pandas as pd

from ... import charts, fmt
from ...vocabulary import POLLUTANT_COLORS, POLLUTANT_SHORT, POLLUTANTS, SECTOR_LABELS
from ...narrative import section_text
from ...narrative.sentences import render
from ..blocks import Figure, Table, Text
from ..context import ReportContext, demo_years_sentence, demonstration_note, series, source_line, value, wide

#: Reference year of the national air-pollution targets (décret n° 2017-949: reductions against 2005).
REFERENCE_YEAR = 2005
IDS = [f"air_{p}" for p in POLLUTANTS]


def has_air(ctx: ReportContext) -> bool:
    """Does the territory have air-pollutant emissions in the report year?"""
    return any(value(ctx, i)[0] == value(ctx, i)[0] for i in IDS)


def reference_year(ctx: ReportContext) -> int | None:
    """:data:`REFERENCE_YEAR` when the series has it, else the first year of the series."""
    years = sorted({int(y) for i in IDS for y in series(ctx, i).dropna().index})
    if not years:
        return None
    return REFERENCE_YEAR if REFERENCE_YEAR in years else years[0]


def main_sectors(ctx: ReportContext) -> dict[str, tuple[str, float]]:
    """Pollutant → (sector, share of the total) of the sector that emits most in the report year."""
    a = ctx.air
    if a is None or a.empty:
        return {}
    a = a.loc[a["year"] == ctx.year]
    out = {}
    for pol, g in a.groupby("pollutant"):
        by = g.groupby("sector")["value"].sum(min_count=1).dropna()
        if by.sum() > 0:
            out[pol] = (by.idxmax(), float(by.max() / by.sum()))
    return out


def prepa_2030(ctx: ReportContext) -> dict[str, float]:
    """Pollutant → the 2030 national target as a relative change (−0.69 for NOx), from the targets table."""
    t = ctx.targets
    if t is None or t.empty or "indicator_id" not in t:
        return {}
    t = t.loc[t["indicator_id"].isin(IDS) & (t["target_year"] == 2030) & (t["kind"] == "relative")]
    return {r.indicator_id[len("air_"):]: float(r.valeur) for r in t.itertuples()}


def air_table(ctx: ReportContext) -> Table:
    """Each pollutant in the report year: tonnes, kilograms per inhabitant, change from the year before
    and since the reference year, main sector, and the 2030 national target."""
    ref = reference_year(ctx)
    sectors, targets = main_sectors(ctx), prepa_2030(ctx)
    rows, seen = [], set()
    for p in POLLUTANTS:
        v, n = value(ctx, f"air_{p}")
        if v != v:
            continue
        per, n2 = value(ctx, f"air_{p}_par_habitant")
        prev, n3 = value(ctx, f"air_{p}", ctx.year - 1)
        base, n4 = value(ctx, f"air_{p}", ref)
        seen |= {n, n2, n3, n4}
        sector = sectors.get(p)
        rows.append({"Polluant": POLLUTANT_SHORT[p], f"Émissions {ctx.year} (t)": v, "Par habitant (kg)": per,
                     f"Depuis {ctx.year - 1}": v / prev - 1 if prev else float("nan"),
                     f"Depuis {ref}": v / base - 1 if base else float("nan"),
                     "Objectif national 2030": (f"{fmt.percent(targets[p], 0, signed=True)} / 2005" if p in targets
                                                else "aucun"),
                     "Premier secteur": (f"{SECTOR_LABELS[sector[0]]} ({fmt.percent(sector[1], 0)})" if sector else "—")})
    change = lambda x: fmt.percent(x, 0, signed=True)  # noqa: E731
    return Table(pd.DataFrame(rows), section_text("air", "tableau_polluants", annee=ctx.year, nom=ctx.name),
                 formats={f"Émissions {ctx.year} (t)": lambda x: fmt.significant(x, 3),
                          "Par habitant (kg)": lambda x: fmt.number(x, 1), f"Depuis {ctx.year - 1}": change,
                          f"Depuis {ref}": change},
                 numeric=[f"Émissions {ctx.year} (t)", "Par habitant (kg)", f"Depuis {ctx.year - 1}", f"Depuis {ref}"],
                 sources=(source_line(ctx, IDS + ["population"]),), natures=frozenset(seen - {"secret"}) or frozenset(seen))


def air_figure(ctx: ReportContext) -> Figure:
    """Index of each pollutant (base 100 in the reference year) and the 2030 national targets."""
    ref = reference_year(ctx)
    w, demo, seen = wide(ctx, "air_", POLLUTANTS)
    index = w.div(w.loc[ref]).mul(100) if ref in w.index else w
    targets = {p: (2030, 100 * (1 + x)) for p, x in prepa_2030(ctx).items() if p in index.columns}
    src = source_line(ctx, IDS)
    title = f"Émissions de polluants de l'air, base 100 en {ref} — {ctx.name}"

    def make():
        return charts.index_lines(index, title, src, POLLUTANT_SHORT, POLLUTANT_COLORS, targets, demo, ref)

    last = int(index.index.max())
    alt = section_text("air", "alternative", de_nom=ctx.of_name, debut=ref, fin=last,
                       polluants=[{"nom": POLLUTANT_SHORT[p], "indice": fmt.number(index.at[last, p], 0),
                                   "objectif": fmt.number(targets[p][1], 0) if p in targets else None}
                                  for p in index.columns]) + demo_years_sentence(demo)
    return Figure(make(), alt, section_text("air", "legende", depuis=ref), index, (src,), seen, make)


def air_summary(ctx: ReportContext) -> Text:
    """One sentence: the pollutants that fell most and least since the reference year, and PM10."""
    ref = reference_year(ctx)
    changes, natures = {}, set()
    for p in POLLUTANTS:
        v, n = value(ctx, f"air_{p}")
        b, n0 = value(ctx, f"air_{p}", ref)
        if v == v and b:
            changes[p], natures = v / b - 1, natures | {n, n0}
    if not changes:
        return no_air_text()
    order = sorted(changes, key=changes.get)
    most, least = order[0], order[-1]
    text = render("annuel/air.j2", depuis=ref, de_territoire=ctx.of_name, plus=POLLUTANT_SHORT[most],
                  plus_variation=fmt.percent(changes[most], 0, signed=True), moins=POLLUTANT_SHORT[least],
                  moins_variation=fmt.percent(changes[least], 0, signed=True))
    text += demonstration_note(natures)
    return Text(text, "key-figure", frozenset(natures))



def no_air_text() -> Text:
    """The air section's fallback (``sections.yml``)."""
    return Text(section_text("air", "repli"))
