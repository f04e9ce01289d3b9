"""The fiches' maps: the territory's communes projected once, drawn once per EPCI as a PNG base map, and each
commune as one SVG path laid over it (fast: no matplotlib per fiche, crisp in PDF)."""

from __future__ import annotations

import math

import numpy as np


LAT0 = 50.45
#: Colours of a fiche's locator map (and of its legend): the commune, the other communes of its EPCI, the rest of
#: the territory.
COMMUNE_FILL = "#0b5394"
EPCI_FILL = "#b7cde3"
REST_FILL = "#e4e4e4"


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
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    from .charts import rgb_png

    fig = plt.figure(figsize=(pixels / 100, pixels / 100 * height / width), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    polys = [r for c in rings for r in rings[c]]
    colors = [fills.get(c, REST_FILL) for c in rings for _ in rings[c]]
    ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="white", linewidths=0.5))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.axis("off")
    png = rgb_png(fig)  # RGB: embedded in each fiche's PDF as it is, not encoded again
    plt.close(fig)
    return png


def locator_svg(rings: list[np.ndarray], height: float, width: float = 300.0) -> str:
    """The commune as one SVG path over the shared base map (the fiche template places both)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" aria-hidden="true">'
            f'<path d="{path_d(rings)}" fill="{COMMUNE_FILL}" stroke="#ffffff" stroke-width="0.6"/></svg>')
