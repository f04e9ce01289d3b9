"""EPCI syntheses (2–4 pages each), rendered from a template without a Jupyter kernel.

The content is made of the annual report's own blocks (:mod:`pma_eval.report.annual`): the same
tables and figures, with their sources and natures.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd

from ..atomic import atomic_folder
from .. import fmt
from ..config import Paths, get_paths
from ..processed import load_shapes
from ..report import DEMO_BANNER, Table, load_context, nature_note
from ..report import annual as a
from ..report import network
from ..report.blocks import typeset_html
from ..report.context import ReportContext, formats_line, has_demonstration, lineage, source_line, value
from ..report.statement import INCOMPLETE_MARK, incomplete_note, incompleteness
from .fiches import TEMPLATES
from .manifest import write_manifest
from .report import CSS, export_pdf, for_screen


#: Indicators the synthesis shows (headline table, sector charts, map, communes table).
SHOWN = ("population", "ges_total", "ges_par_habitant", "conso_energie_finale", "conso_energie_par_habitant",
         "enr_elec_production", "couverture_elec_enr", "enr_puissance_solaire_pv", "part_enr_conso_finale",
         "air_nox", "air_pm25")


def communes_table(ctx: ReportContext) -> Table:
    """The 10 most populous communes; an incomplete total is marked « * » and the caption says what is missing."""
    complete, missing = incompleteness(ctx.indicators, ctx.year)
    rows, seen = [], set()
    for code in ctx.territory.members("epci", ctx.geo_code):
        (pop, n1), (ges, n2), (pv, n3) = (value(ctx, i, level="commune", code=code)
                                          for i in ("population", "ges_par_habitant", "enr_puissance_solaire_pv"))
        seen |= {n1, n2, n3}
        whole = complete.get(("ges_par_habitant", "commune", code), True)
        rows.append({"Commune": ctx.territory.name("commune", code), "Population": pop,
                     "GES par habitant (t CO₂e)": fmt.number(ges, 1) + ("" if whole else INCOMPLETE_MARK),
                     "Photovoltaïque (kW)": pv, "_code": code})
    df = pd.DataFrame(rows).sort_values("Population", ascending=False).head(10)
    note = incomplete_note(missing, [c for c in df["_code"]
                                     if not complete.get(("ges_par_habitant", "commune", c), True)], ctx.territory)
    return Table(df.drop(columns="_code"), f"Les 10 communes les plus peuplées en {ctx.year}" + (f". {note}" if note else ""),
                 formats={"Population": fmt.number, "Photovoltaïque (kW)": fmt.number},
                 sources=(source_line(ctx, ["population", "ges_par_habitant", "enr_puissance_solaire_pv"]),),
                 natures=frozenset(seen))


def synthesis_sections(ctx: ReportContext, shapes: dict) -> list[tuple[str, list]]:
    """The synthesis of one EPCI as (heading, blocks) sections."""
    return [
        ("L'essentiel", [a.key_sentences(ctx, n=5, short_caveat=True), a.headline_table(ctx)]),
        ("Émissions de gaz à effet de serre", [a.emissions_figure(ctx),
                                                a.verdict_table(ctx, ["ges_total"],
                                                                "Émissions : rythme au regard des objectifs",
                                                                see="dans l'annexe du rapport annuel de l'agglomération")]),
        ("Les communes", [a.map_figure(ctx, shapes), communes_table(ctx)]),
        ("Énergie et renouvelables", [a.energy_figure(ctx), *([a.share_sentence(ctx)] if a.has_heat(ctx) else [])]),
        *([("Qualité de l'air", [a.air_summary(ctx)])] if a.has_air(ctx) else []),
        *([(f"Engagements et actions de la {ctx.sigle}", [network.concretisation_text(ctx)])] if ctx.activity else []),
    ]


def render_synthesis(year: int, sigle: str, paths: Paths | None = None) -> str:
    paths = paths or get_paths()
    ctx = load_context(year, sigle, paths)
    sections = synthesis_sections(ctx, load_shapes(paths))
    blocks = [b for _, bs in sections for b in bs]
    # one source line for the whole synthesis: the raw files behind every indicator it shows
    sources = formats_line(ctx.manifest, [*lineage(ctx.catalogue, SHOWN), "contours_communes"])
    natures = set().union(*(b.natures for b in blocks))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return typeset_html(env.get_template("synthese_epci.html.j2").render(
        title=f"{ctx.name} — synthèse {ctx.year}", css=CSS, demo=has_demonstration(ctx), demo_banner=DEMO_BANNER,
        sections=sections, sources=sources, natures=nature_note(natures)))


def write_syntheses(year: int, paths: Paths | None = None, out_dir: Path | None = None) -> Path:
    """Write ``reports/<year>/fiches/epci/<SIGLE>.html`` and ``.pdf`` for the three EPCIs, and their manifest."""
    from ..processed import load_territory
    paths = paths or get_paths()
    final = Path(out_dir) if out_dir else paths.reports / str(year) / "fiches" / "epci"
    with atomic_folder(final) as tmp:
        layout = []
        for sigle in load_territory(paths).epcis["epci_sigle"]:
            text = render_synthesis(year, sigle, paths)
            (tmp / f"{sigle}.html").write_text(for_screen(text), encoding="utf-8")  # SVG charts on screen
            layout += [f"{sigle}, {problem}" for problem in export_pdf(text, tmp / f"{sigle}.pdf")]
        write_manifest("syntheses_epci", {"year": int(year)}, tmp, paths, layout=layout)
    return final
