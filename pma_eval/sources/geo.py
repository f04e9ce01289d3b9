"""Commune boundaries (GeoJSON, WGS84, gzipped or not): read without a GIS stack.

The maps of the reports only need polygons and a code per commune; reading the GeoJSON with
the standard library keeps the install light (geopandas would bring GDAL-based wheels for this
single use).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ..errors import InputDataError, Problem
from ._table import file_bytes


def read_commune_features(path: str | Path, display: str | None = None,
                          codes: set[str] | None = None) -> dict[str, dict]:
    """INSEE code → GeoJSON feature (as read), from a FeatureCollection, gzipped or not (``.geojson.gz``).

    Features need a 5-character ``code`` property and a Polygon or MultiPolygon geometry; every faulty feature is
    reported at once with its number, its line where the file writes one feature per line, and its value.

    ``codes``: only these communes are wanted. Where the file writes one feature per line with its code first (the
    national reference, 34 868 communes: 3 s to decode whole), only their lines are decoded and checked; otherwise
    the whole file is read and the others left out.
    """
    name = display or str(path)
    raw = file_bytes(path, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputDataError([Problem(name, "GeoJSON illisible : encodage non UTF-8", line=line)]) from None
    picked = _lines_of(text, codes) if codes is not None else None
    if picked is not None:
        text = "".join(picked)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputDataError([Problem(name, f"GeoJSON illisible (JSON invalide, colonne {exc.colno}) : {exc.msg}",
                                      line=exc.lineno)]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InputDataError([Problem(name, "GeoJSON inattendu : une collection d'entités (FeatureCollection) est "
                                      "attendue", column="type", value=data.get("type") if isinstance(data, dict)
                                      else type(data).__name__)])
    features: dict[str, dict] = {}
    problems: list[tuple[int, str, str, object]] = []
    for n, feat in enumerate(data.get("features") or [], start=1):
        code = str((feat.get("properties") or {}).get("code", "")).strip()
        kind = (feat.get("geometry") or {}).get("type")
        if len(code) != 5:
            problems.append((n, "propriété « code » absente ou invalide (code commune INSEE sur 5 caractères)",
                             "code", code))
        elif kind not in ("Polygon", "MultiPolygon"):
            problems.append((n, "géométrie absente ou non surfacique (Polygon ou MultiPolygon attendu)",
                             "geometry", kind))
        elif code in features:
            problems.append((n, "code commune déjà vu dans une entité précédente", "code", code))
        else:
            features[code] = feat
    if codes is not None:
        features = {c: f for c, f in features.items() if c in codes}
    if problems:
        lines = _feature_lines(text, len(data["features"]))
        # only some lines decoded (``codes``): a feature's number in the file is its line less the opening one
        number = (lambda n: lines[n - 1] - 1) if picked is not None and lines else (lambda n: n)
        raise InputDataError([Problem(name, f"entité n° {number(n)} : {message}", line=lines[n - 1] if lines else None,
                                      column=column, value=value) for n, message, column, value in problems])
    return features


#: A line holding one feature whose first property is its code (``{"type":"Feature","properties":{"code":"01001",…``).
_FEATURE_LINE = re.compile(r'\{"type":"Feature","properties":\{"code":"([^"]*)"')


def _lines_of(text: str, codes: set[str]) -> list[str] | None:
    """The text of a FeatureCollection keeping only the lines of the features of ``codes`` (the other lines replaced by
    empty ones, so that a line number stays that of the file), or None when the file does not write one feature per
    line, its code first."""
    lines = text.split("\n")
    if len(lines) < 3 or not lines[0].rstrip().endswith("["):
        return None
    kept, found = [lines[0] + "\n"], []
    for line in lines[1:]:
        m = _FEATURE_LINE.match(line)
        if m is None:
            if not line.strip() or line.strip().startswith("]"):  # the closing lines
                kept.append(line + "\n")
                continue
            return None
        if m.group(1) in codes:
            found.append(len(kept))
            kept.append(line.rstrip().rstrip(",") + ",\n")
        else:
            kept.append("\n")
    if found:  # the last feature kept takes no comma
        kept[found[-1]] = kept[found[-1]].rstrip().rstrip(",") + "\n"
    return kept


def _feature_lines(text: str, count: int) -> list[int] | None:
    """Line of each feature where every feature starts with its ``"type": "Feature"`` (both files the workbench
    reads do), or None when that cannot be told."""
    starts = [m.start() for m in re.finditer(r'\{\s*"type"\s*:\s*"Feature"\s*[,}]', text)]
    if len(starts) != count:
        return None
    lines, line, last = [], 1, 0
    for s in starts:
        line += text.count("\n", last, s)
        lines.append(line)
        last = s
    return lines


def read_commune_shapes(path: str | Path, display: str | None = None) -> dict[str, list[np.ndarray]]:
    """INSEE code → list of exterior rings (arrays of lon/lat), from a GeoJSON FeatureCollection
    (:func:`read_commune_features`)."""
    shapes: dict[str, list[np.ndarray]] = {}
    for code, feat in read_commune_features(path, display).items():
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        shapes[code] = [np.asarray(poly[0], dtype=float) for poly in polys]
    return shapes
