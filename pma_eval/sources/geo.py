"""Commune boundaries (GeoJSON, WGS84): read without a GIS stack.

The maps of the reports only need polygons and a code per commune; reading the GeoJSON with
the standard library keeps the install light (geopandas would bring GDAL-based wheels for this
single use).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..errors import InputDataError, Problem


def read_commune_shapes(path: str | Path, display: str | None = None) -> dict[str, list[np.ndarray]]:
    """INSEE code → list of exterior rings (arrays of lon/lat), from a GeoJSON FeatureCollection.

    Features need a ``code`` property and a Polygon or MultiPolygon geometry.
    """
    name = display or str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputDataError([Problem(name, f"GeoJSON illisible : {exc.msg}", line=exc.lineno)]) from None
    shapes: dict[str, list[np.ndarray]] = {}
    problems = []
    for n, feat in enumerate(data.get("features", []), start=1):
        code = str((feat.get("properties") or {}).get("code", "")).strip()
        geom = feat.get("geometry") or {}
        if len(code) != 5:
            problems.append(Problem(name, f"entité n° {n} : propriété « code » absente ou invalide", value=code))
            continue
        if geom.get("type") == "Polygon":
            polys = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["coordinates"]
        else:
            problems.append(Problem(name, f"entité n° {n} : géométrie non surfacique", value=geom.get("type")))
            continue
        shapes[code] = [np.asarray(poly[0], dtype=float) for poly in polys]
    if problems:
        raise InputDataError(problems)
    return shapes
