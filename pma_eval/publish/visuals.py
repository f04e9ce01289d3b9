"""Visuals ready to publish: headline charts as PNG at social-network sizes and SVG for print,
each with its text alternative in a side file, and a newsletter block that survives e-mail clients."""

from __future__ import annotations

import html
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

from ..atomic import atomic_folder
from .. import charts
from .. import reporting as r
from ..config import Paths, get_paths

SIZES = {"carre": (1080, 1080), "paysage": (1200, 675)}


def _figures(ctx: r.ReportContext) -> dict[str, tuple]:
    """name → (figure factory, alt text). Factories so that each size gets a fresh figure."""
    wide, demo = r._wide(ctx, "ges_", r.PCAET)
    per_hab = r.epci_comparison(ctx)
    enr, demo_enr = r._wide(ctx, "enr_production_", r.TECHS)
    return {
        "emissions_par_secteur": (
            lambda: charts.stacked_sectors(wide, f"Émissions de gaz à effet de serre — {ctx.name}", "kt CO₂e",
                                           r.SOURCE_EMISSIONS, demo, scale=1000),
            r.emissions_figure(ctx)[1]),
        "emissions_par_habitant_epci": (
            lambda: charts.bars(per_hab, f"Émissions par habitant en {ctx.year}", "t CO₂e par habitant",
                                r.SOURCE_EMISSIONS, 1, ctx.name),
            r.epci_figure(ctx)[1]),
        "electricite_renouvelable": (
            lambda: charts.stacked(enr, f"Électricité renouvelable produite — {ctx.name}", "GWh", r.SOURCE_ENR,
                                   {"solaire_pv": "Solaire", "eolien": "Éolien", "bioenergies": "Bioénergies"},
                                   {"solaire_pv": "#E69F00", "eolien": "#0072B2", "bioenergies": "#009E73"},
                                   {"eolien": "//", "bioenergies": ".."}, demo_enr, scale=1000),
            r.enr_figure(ctx)[1]),
    }


def _save(fig, path: Path, size: tuple[int, int] | None) -> None:
    if size:
        fig.set_size_inches(size[0] / 100, size[1] / 100)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(path, format="png", dpi=100, metadata={"Software": None})
    else:
        # The hash salt fixes the clip-path ids: without it they change at every run.
        with matplotlib.rc_context({"svg.hashsalt": "pma-eval"}):
            fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)


def newsletter_block(ctx: r.ReportContext) -> str:
    """Key figures as an e-mail-safe HTML block: tables and inline styles only, no CSS classes or scripts."""
    rows = "".join(
        f'<tr><td style="padding:6px 10px;border-bottom:1px solid #dddddd;font-family:Arial,sans-serif;'
        f'font-size:14px;color:#1a1a1a;">{html.escape(row["indicator"])}</td>'
        f'<td style="padding:6px 10px;border-bottom:1px solid #dddddd;font-family:Arial,sans-serif;font-size:14px;'
        f'font-weight:bold;color:#0b5394;text-align:right;white-space:nowrap;">{html.escape(row["value"])}</td>'
        f'<td style="padding:6px 10px;border-bottom:1px solid #dddddd;font-family:Arial,sans-serif;font-size:13px;'
        f'color:#333333;text-align:right;">{html.escape(row["change"])} depuis {row["first"]}</td></tr>'
        for row in r.headline_rows(ctx))
    demo = (f'<p style="font-family:Arial,sans-serif;font-size:12px;color:#8a4b00;margin:8px 0;">'
            f'{html.escape(r.DEMO_BANNER)}</p>' if r.has_demonstration(ctx) else "")
    return (f'<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" '
            f'style="border-collapse:collapse;background:#ffffff;">'
            f'<tr><td style="padding:12px 10px;font-family:Arial,sans-serif;font-size:20px;font-weight:bold;'
            f'color:#0b5394;">{html.escape(ctx.name)} : les chiffres clés {ctx.year}</td></tr>'
            f'<tr><td><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
            f'style="border-collapse:collapse;">{rows}</table></td></tr>'
            f'<tr><td>{demo}<p style="font-family:Arial,sans-serif;font-size:11px;color:#555555;margin:8px 10px;">'
            f'Source : pma-eval, rapport annuel d\'évaluation {ctx.year}.</p></td></tr></table>')


def write_visuals(year: int, territoire: str = "PMA", paths: Paths | None = None) -> Path:
    """Write ``reports/<year>/visuels/`` (PNG 1080×1080 and 1200×675, SVG, alt texts, newsletter)."""
    paths = paths or get_paths()
    ctx = r.load_context(year, territoire, paths)
    final = paths.reports / str(year) / "visuels"
    with atomic_folder(final) as tmp:
        for name, (make, alt) in _figures(ctx).items():
            for label, size in SIZES.items():
                _save(make(), tmp / f"{name}_{label}_{size[0]}x{size[1]}.png", size)
            _save(make(), tmp / f"{name}.svg", None)
            (tmp / f"{name}.alt.txt").write_text(alt + "\n", encoding="utf-8")
        (tmp / "lettre_chiffres_cles.html").write_text(newsletter_block(ctx), encoding="utf-8")
    return final
