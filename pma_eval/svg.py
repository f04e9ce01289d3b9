"""Small hand-made SVG figures for the fiches: fast (no matplotlib per fiche), crisp in PDF,
and accessible (``role="img"`` with a text alternative)."""

from __future__ import annotations

import html
import math

import numpy as np

from . import fmt

LAT0 = 50.45


def _thin(ring: np.ndarray, max_points: int) -> np.ndarray:
    """Keep at most ``max_points`` vertices (regular stride): enough for a locator map."""
    if len(ring) <= max_points:
        return ring
    idx = np.unique(np.linspace(0, len(ring) - 1, max_points).round().astype(int))
    return ring[idx]


def project(rings_by_code: dict[str, list[np.ndarray]], width: float = 300.0, max_points: int = 40):
    """Project lon/lat rings to SVG coordinates (equirectangular at the Pôle's latitude).

    Rings are thinned to ``max_points`` vertices: a locator map needs shapes, not surveying.

    Returns ``(rings, height)``: INSEE code → list of arrays of (x, y) in a ``width × height`` box,
    y pointing down as in SVG.
    """
    rings_by_code = {c: [_thin(r, max_points) for r in rings] for c, rings in rings_by_code.items()}
    k = math.cos(math.radians(LAT0))
    allpts = np.vstack([r for rings in rings_by_code.values() for r in rings])
    x0, x1 = allpts[:, 0].min() * k, allpts[:, 0].max() * k
    y0, y1 = allpts[:, 1].min(), allpts[:, 1].max()
    scale = width / (x1 - x0)
    height = (y1 - y0) * scale
    out = {c: [np.column_stack([(r[:, 0] * k - x0) * scale, (y1 - r[:, 1]) * scale]) for r in rings]
           for c, rings in rings_by_code.items()}
    return out, height


def path_d(rings: list[np.ndarray]) -> str:
    return "".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in r) + "Z" for r in rings)


def base_map_png(rings: dict[str, list[np.ndarray]], height: float, fills: dict[str, str], width: float = 300.0,
                 pixels: int = 700) -> bytes:
    """The Pôle's communes as a PNG exactly covering the ``width × height`` box (drawn once, shared)."""
    import io

    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    fig = plt.figure(figsize=(pixels / 100, pixels / 100 * height / width), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    polys = [r for c in rings for r in rings[c]]
    colors = [fills.get(c, "#e4e4e4") for c in rings for _ in rings[c]]
    ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="white", linewidths=0.5))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def locator_svg(rings: list[np.ndarray], height: float, width: float = 300.0) -> str:
    """The commune as one SVG path over the shared base map (the fiche template places both)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" aria-hidden="true">'
            f'<path d="{path_d(rings)}" fill="#0b5394" stroke="#ffffff" stroke-width="0.6"/></svg>')


def hbars(items: list[tuple[str, float]], unit: str, decimals: int = 1, highlight: int = 0,
          width: float = 300.0, title: str = "") -> str:
    """Horizontal bars with their labels and values written (no reliance on colour)."""
    vals = [v for _, v in items if v == v]
    vmax = max(vals) if vals else 1.0
    row, label_w, value_w = 22, 105, 70
    bar_w = width - label_w - value_w
    parts = []
    for i, (label, v) in enumerate(items):
        y = i * row + 4
        w = 0 if v != v else bar_w * v / vmax
        color = "#0b5394" if i == highlight else "#8fa9c4"
        parts.append(f'<text x="0" y="{y + 12}" font-size="9">{html.escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="14" fill="{color}"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" font-size="9">{fmt.number(v, decimals)}\u00a0{html.escape(unit)}</text>')
    alt = (title + " : " if title else "") + " ; ".join(f"{lab} {fmt.number(v, decimals)} {unit}" for lab, v in items)
    h = len(items) * row + 6
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {h}" role="img" '
            f'aria-label="{html.escape(alt)}" class="bars"><title>{html.escape(alt)}</title>{"".join(parts)}</svg>')


def stacked_share(items: list[tuple[str, float, str, str]], width: float = 300.0, title: str = "") -> str:
    """One 100 % bar split by category (label, value, colour, pattern), with a written legend."""
    total = sum(v for _, v, _, _ in items if v == v and v > 0)
    x, parts, legend = 0.0, [], []
    defs = ('<defs><pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="4" height="4" fill="white" fill-opacity="0.0"/>'
            '<line x1="0" y1="0" x2="0" y2="4" stroke="white" stroke-width="1.2"/></pattern></defs>')
    shown = [(lab, v, c, pat) for lab, v, c, pat in items if v == v and v > 0]
    for i, (lab, v, color, pattern) in enumerate(shown):
        w = width * v / total if total else 0
        parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="{color}"/>')
        if pattern:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="url(#hatch)"/>')
        x += w
        col, rowi = i % 2, i // 2
        legend.append(f'<rect x="{col * 150}" y="{26 + rowi * 13}" width="9" height="9" fill="{color}"/>'
                      f'<text x="{col * 150 + 13}" y="{34 + rowi * 13}" font-size="8">{html.escape(lab)} '
                      f'{fmt.percent(v / total, 0)}</text>')
    h = 30 + ((len(shown) + 1) // 2) * 13
    alt = (title + " : " if title else "") + " ; ".join(f"{lab} {fmt.percent(v / total, 0)}" for lab, v, _, _ in shown)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {h}" role="img" '
            f'aria-label="{html.escape(alt)}" class="share"><title>{html.escape(alt)}</title>{defs}'
            f'{"".join(parts)}{"".join(legend)}</svg>')
