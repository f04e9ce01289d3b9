"""EPCI syntheses (2–4 pages each), rendered from a template without a Jupyter kernel."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd

from ..atomic import atomic_folder
from .. import fmt
from .. import reporting as r
from ..config import Paths, get_paths
from .fiches import SOURCES, TEMPLATES
from .report import CSS, export_pdf


def communes_table(ctx: r.ReportContext) -> str:
    rows = []
    for code in ctx.territory.members("epci", ctx.geo_code):
        pop = r.value(ctx, "population", level="commune", code=code)[0]
        ges = r.value(ctx, "ges_par_habitant", level="commune", code=code)[0]
        pv = r.value(ctx, "enr_puissance_solaire_pv", level="commune", code=code)[0]
        rows.append({"Commune": ctx.territory.name("commune", code), "Population": fmt.number(pop),
                     "GES par habitant (t CO₂e)": fmt.number(ges, 1), "Photovoltaïque (kW)": fmt.number(pv),
                     "_pop": pop})
    df = pd.DataFrame(rows).sort_values("_pop", ascending=False).drop(columns="_pop").head(10)
    return r.html_table(df, f"Les 10 communes les plus peuplées en {ctx.year}")


def render_synthesis(year: int, sigle: str, paths: Paths | None = None) -> str:
    ctx = r.load_context(year, sigle, paths)

    sentences = r.key_sentences(ctx, n=5, short_caveat=True)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return env.get_template("synthese_epci.html.j2").render(
        title=f"{ctx.name} — synthèse {ctx.year}", css=CSS, demo=r.has_demonstration(ctx), demo_banner=r.DEMO_BANNER,
        sentences=sentences, headline=r.headline_table_html(ctx),
        emissions_fig=r.emissions_figure(ctx)[0],
        verdicts=r.verdict_table_html(ctx, ["ges_total"], "Émissions : rythme au regard des objectifs"),
        map_fig=r.map_figure(ctx)[0], communes_table=communes_table(ctx),
        energy_fig=r.energy_figure(ctx)[0], enr_fig="", sources=SOURCES)


def write_syntheses(year: int, paths: Paths | None = None) -> Path:
    """Write ``reports/<year>/fiches/epci/<SIGLE>.html`` and ``.pdf`` for the three EPCIs."""
    from ..processed import load_territory
    paths = paths or get_paths()
    final = paths.reports / str(year) / "fiches" / "epci"
    with atomic_folder(final) as tmp:
        for sigle in load_territory(paths).epcis["epci_sigle"]:
            text = render_synthesis(year, sigle, paths)
            (tmp / f"{sigle}.html").write_text(text, encoding="utf-8")
            export_pdf(text, tmp / f"{sigle}.pdf")
    return final
