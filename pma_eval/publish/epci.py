"""EPCI syntheses (2–4 pages each), rendered from a template without a Jupyter kernel.

The content is made of the annual report's own sections (:data:`pma_eval.report.outline.SYNTHESIS`): the same
headings, tables, figures and sentences, with their sources and natures.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..atomic import atomic_folder
from ..config import Paths, get_paths
from ..errors import ConfigurationError
from ..processed import load_shapes
from ..report import DEMO_BANNER, load_context, nature_note, outline
from ..report.annual import communes_table  # noqa: F401 (the synthesis' own table, kept importable from here)
from ..report.blocks import typeset_html
from ..report.context import ReportContext, formats_line, has_demonstration, lineage
from .fiches import TEMPLATES
from .manifest import write_manifest
from .report import CSS, export_pdf, for_screen


#: Indicators the synthesis shows (headline table, sector charts, map, communes table).
SHOWN = ("population", "ges_total", "ges_par_habitant", "conso_energie_finale", "conso_energie_par_habitant",
         "enr_elec_production", "couverture_elec_enr", "enr_puissance_solaire_pv", "part_enr_conso_finale",
         "air_nox", "air_pm25")


def synthesis_sections(ctx: ReportContext, shapes: dict | None = None) -> list[tuple[str, list]]:
    """The synthesis of one EPCI as (heading, blocks) sections: the outline :data:`pma_eval.report.outline.SYNTHESIS`,
    variants of the annual report's own sections."""
    return outline.synthesis_sections(ctx, shapes=shapes)


def render_synthesis(year: int, sigle: str, paths: Paths | None = None) -> str:
    paths = paths or get_paths()
    ctx = load_context(year, sigle, paths)
    sections = synthesis_sections(ctx, load_shapes(paths))
    blocks = [b for _, bs in sections for b in bs]
    # one source line for the whole synthesis: the raw files behind every indicator it shows
    sources = formats_line(ctx.manifest, [*lineage(ctx.catalogue, SHOWN), "contours_communes"])
    natures = set().union(*(b.natures for b in blocks))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    text = lambda field: outline.texts("synthese_epci", field, ctx)  # noqa: E731
    return typeset_html(env.get_template("synthese_epci.html.j2").render(
        title=text("titre"), subtitle=text("sous_titre"), closing=text("note_finale"), css=CSS,
        demo=has_demonstration(ctx), demo_banner=DEMO_BANNER, sections=sections, sources=sources,
        natures=nature_note(natures)))


def write_syntheses(year: int, paths: Paths | None = None, out_dir: Path | None = None,
                    only: list[str] | None = None) -> Path:
    """Write ``reports/<year>/fiches/epci/<SIGLE>.html`` and ``.pdf`` for each EPCI of the territory (``only``: those
    acronyms), and their manifest."""
    from ..processed import load_territory
    paths = paths or get_paths()
    final = Path(out_dir) if out_dir else paths.reports / str(year) / "fiches" / "epci"
    sigles = list(load_territory(paths).epcis["epci_sigle"])
    unknown = sorted(set(only or ()) - set(sigles))
    if unknown:
        raise ConfigurationError(f"agglomérations inconnues : {', '.join(unknown)} (connues : {', '.join(sigles)})")
    with atomic_folder(final) as tmp:
        layout = []
        for sigle in [s for s in sigles if only is None or s in only]:
            text = render_synthesis(year, sigle, paths)
            (tmp / f"{sigle}.html").write_text(for_screen(text), encoding="utf-8")  # SVG charts on screen
            layout += [f"{sigle}, {problem}" for problem in export_pdf(text, tmp / f"{sigle}.pdf")]
        write_manifest("syntheses_epci", {"year": int(year), **({"epci": sorted(only)} if only else {})}, tmp, paths,
                       layout=layout)
    return final
