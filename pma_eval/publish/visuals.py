"""Visuals ready to publish: headline charts as PNG at social-network sizes and SVG for print,
each with its text alternative in a side file, and a newsletter block that survives e-mail clients.

The charts are the annual report's own figures (:mod:`pma_eval.report.annual`), redrawn at each
size: same data, labels, colours, source lines and demonstration marks.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import matplotlib
import matplotlib.pyplot as plt

from .. import charts, fmt
from ..atomic import atomic_folder
from ..config import Paths, get_paths
from ..report import DEMO_BANNER, Figure, load_context
from ..report import annual as a
from ..report.blocks import typeset_html
from ..report.context import ReportContext, display, has_demonstration, source_line
from .fiches import TEMPLATES
from .manifest import write_manifest

SIZES = {"carre": (1080, 1080), "paysage": (1200, 675)}
#: Visual name (its file stem) → French title, for the index of a year's products.
TITLES = {"emissions_par_secteur": "Émissions de gaz à effet de serre par secteur",
          "emissions_par_habitant_epci": "Émissions par habitant des agglomérations",
          "electricite_renouvelable": "Électricité renouvelable produite",
          "lettre_chiffres_cles": "Lettre aux maires : chiffres clés",
          "chiffres_cles": "Chiffres clés sur une page (A4 et carré)"}


def figures(ctx: ReportContext) -> dict[str, Figure]:
    """name → report figure (each has ``make`` to draw a fresh copy at another size). A territory of one EPCI has no
    chart of its EPCIs (its one EPCI is the whole)."""
    several = len(ctx.territory.epcis) > 1
    return {
        "emissions_par_secteur": a.emissions_figure(ctx, f"Émissions de gaz à effet de serre — {ctx.name}"),
        **({"emissions_par_habitant_epci": a.epci_figure(ctx)} if several else {}),
        "electricite_renouvelable": a.enr_figure(ctx, f"Électricité renouvelable produite — {ctx.name}"),
    }


#: The parameters of a figure's subplot layout, which :func:`_save` changes at each size.
_LAYOUT = ("left", "bottom", "right", "top", "wspace", "hspace")


def _save(fig, path: Path, size: tuple[int, int] | None, close: bool = True) -> None:
    if size:
        fig.set_size_inches(size[0] / 100, size[1] / 100)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(path, format="png", dpi=100, metadata={"Software": None})
    else:
        # The hash salt fixes the clip-path ids: without it they change at every run.
        with matplotlib.rc_context({"svg.hashsalt": "pma-eval"}):
            fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    if close:
        plt.close(fig)


def _save_all(fig, stem: Path) -> None:
    """The SVG of ``fig`` as drawn, then a PNG at each of :data:`SIZES`, all from this one figure (it was drawn
    afresh for each before, issue 24): each size is laid out from the figure's own layout, put back before it, as a
    fresh copy would be; the files are the same, byte for byte."""
    _save(fig, stem.with_name(f"{stem.name}.svg"), None, close=False)
    drawn = {k: getattr(fig.subplotpars, k) for k in _LAYOUT}
    size_in = tuple(fig.get_size_inches())
    for label, size in SIZES.items():
        fig.set_size_inches(*size_in)
        fig.subplots_adjust(**drawn)
        _save(fig, stem.with_name(f"{stem.name}_{label}_{size[0]}x{size[1]}.png"), size, close=False)
    plt.close(fig)


def newsletter_block(ctx: ReportContext) -> str:
    """Key figures as an e-mail-safe HTML block (template ``lettre_chiffres_cles.html.j2``)."""
    h = a.headline_frame(ctx)
    rows = [{"indicator": r.indicator, "value": display(r.indicator_id, r.value, ctx),
             "change": a.change_text(r.change, r.change_in_points), "first": r.first} for r in h.itertuples()]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return typeset_html(env.get_template("lettre_chiffres_cles.html.j2").render(
        name=ctx.name, year=ctx.year, rows=rows, demo=has_demonstration(ctx), demo_banner=DEMO_BANNER,
        organisation=ctx.territory.whole.name.replace("'", "\u2019")))


#: The « chiffres clés » card: A4 portrait (PDF and PNG) and a square for social posts.
CARD_SIZES = {"a4": (8.27, 11.69), "carre": (7.2, 7.2)}  # 150 dpi: A4 PNG 1240 × 1753, square 1080 × 1080


def key_figures_rows(ctx: ReportContext, k=None) -> list[dict]:
    """The card's rows: the same key figures as « À retenir et à décider » (value, change from the year
    before, the one target and its verdict); ``k`` is :func:`pma_eval.report.annual.key_figures` if known."""
    k = a.key_figures(ctx) if k is None else k
    return [{"label": r.indicator, "value": display(r.indicator_id, r.value, ctx),
             "change": f"{a.change_text(r.change, r.in_points, decimals=1)} depuis {ctx.year - 1}",
             "verdict": (f"{r.verdict.label} — {r.target}" if r.verdict.category != "not_assessable" else "")}
            for r in k.itertuples()]


def _card_alt(ctx: ReportContext, rows: list[dict], demo: bool) -> str:
    return (f"Chiffres clés {ctx.year} {ctx.of_name} : " + " ; ".join(f"{r['label']} {r['value']} ({r['change']})"
                                                                  for r in rows) + "."
            + (" Données de démonstration." if demo else ""))


def write_visuals(year: int, territoire: str | None = None, paths: Paths | None = None,
                  out_dir: Path | None = None) -> Path:
    """Write ``reports/<year>/visuels/`` (PNG 1080×1080 and 1200×675, SVG, alt texts, newsletter, manifest) for
    ``territoire`` (default: the whole territory, by its code)."""
    paths = paths or get_paths()
    ctx = load_context(year, territoire, paths)
    territoire = territoire or ctx.territory.code
    final = Path(out_dir) if out_dir else paths.reports / str(year) / "visuels"
    with atomic_folder(final) as tmp:
        for name, figure in figures(ctx).items():
            _save_all(figure.fig, tmp / name)
            (tmp / f"{name}.alt.txt").write_text(fmt.typeset(figure.alt) + "\n", encoding="utf-8")
        (tmp / "lettre_chiffres_cles.html").write_text(newsletter_block(ctx), encoding="utf-8")
        k = a.key_figures(ctx)
        rows, demo, src = key_figures_rows(ctx, k), has_demonstration(ctx), source_line(ctx, list(k["indicator_id"]))
        for size, inches in CARD_SIZES.items():
            fig = charts.key_figures_card(rows, f"Chiffres clés {ctx.year}", ctx.name, src, inches, demo)
            fig.savefig(tmp / f"chiffres_cles_{size}.png", format="png", dpi=150, metadata={"Software": None})
            if size == "a4":
                fig.savefig(tmp / "chiffres_cles_a4.pdf", format="pdf",
                            metadata={"Creator": None, "Producer": None, "CreationDate": None})
            plt.close(fig)
        (tmp / "chiffres_cles.alt.txt").write_text(fmt.typeset(_card_alt(ctx, rows, demo)) + "\n", encoding="utf-8")
        write_manifest("visuels", {"year": int(year), "territoire": territoire.upper()}, tmp, paths)
    return final
