"""The small read-only API over ``data/processed`` that everything downstream uses.

Indicators, reports, publishing, the command line and notebooks read the processed tables
through these functions, never through the build (:mod:`pma_eval.assemble`).
"""

from __future__ import annotations

import json

import pandas as pd

from .config import Paths, get_paths
from .errors import ConfigurationError
from .sources.geo import read_commune_shapes
from .territory import Territory


def load(name: str, paths: Paths | None = None) -> pd.DataFrame:
    """Read one processed table (``population``, ``emissions``, ``energy``, ``renewables``, ``territory``)."""
    paths = paths or get_paths()
    f = paths.processed / f"{name}.parquet"
    if not f.exists():
        tables = sorted(p.stem for p in paths.processed.glob("*.parquet"))
        if tables:  # the data are built: the name is wrong
            raise ConfigurationError(f"table inconnue : « {name} » ; tables de {paths.processed} : {', '.join(tables)}")
        raise ConfigurationError(f"table « {name} » absente de {paths.processed} : lancez d'abord "
                                 "« pma-eval data build » (ou « make data »)")
    return pd.read_parquet(f)


def load_territory(paths: Paths | None = None) -> Territory:
    """The built territory of ``paths`` (default: the territory in use), with the names of its own declaration (not
    those of ``$PMA_EVAL_TERRITOIRE``'s)."""
    from .territory import whole_in_use

    paths = paths or get_paths()
    t = load("territory", paths)
    return Territory.from_communes(t, t[["epci_siren", "epci_nom"]].drop_duplicates(), whole=whole_in_use(paths))


def load_shapes(paths: Paths | None = None) -> dict:
    """Commune polygons copied by the build (INSEE code → rings)."""
    paths = paths or get_paths()
    f = paths.processed / "communes.geojson"
    if not f.exists():
        raise ConfigurationError("contours des communes absents : lancez « pma-eval data build »")
    return read_commune_shapes(f)


def manifest(paths: Paths | None = None) -> dict:
    paths = paths or get_paths()
    return json.loads((paths.processed / "manifest.json").read_text(encoding="utf-8"))



def available_years(paths: Paths | None = None) -> list[int]:
    """Years with greenhouse-gas emissions (of any nature) in the indicator table."""
    ind = load("indicators", paths)
    return sorted(int(y) for y in ind.loc[ind["indicator_id"] == "ges_total", "year"].unique())


def latest_year(paths: Paths | None = None) -> int:
    """Latest year with emissions data (of any nature)."""
    return available_years(paths)[-1]


def checked_year(year: int | None, paths: Paths | None = None) -> int:
    """``year``, or the latest year, checked against the data before any notebook kernel starts.

    Raises :class:`ConfigurationError` (exit 2) naming the available years.
    """
    years = available_years(paths)
    if year is None:
        return years[-1]
    if int(year) not in years:
        raise ConfigurationError(f"année {year} absente des données (années disponibles : {years[0]} à {years[-1]})")
    return int(year)
