"""Indicators: one catalogue (``catalogue.yml``), pure calculations, pipeline checks (exports: ``publish``)."""

from __future__ import annotations

import pandas as pd

from .catalogue import Catalogue, Indicator, load_catalogue
from .checks import check_indicators, plausibility_flags
from .compute import compute_indicators

__all__ = ["Catalogue", "Indicator", "check_indicators", "plausibility_flags", "compute_indicators", "load_catalogue",
           "load_indicators"]


def load_indicators(paths=None, with_labels: bool = True) -> pd.DataFrame:
    """The indicator table built by ``pma-eval data build`` (one call for analysts).

    With ``with_labels``, adds the French title, the theme and the territory name.
    """
    from ..processed import load, load_territory

    df = load("indicators", paths)
    if not with_labels:
        return df
    cat = load_catalogue()
    territory = load_territory(paths)
    names = {(lvl, code): territory.name(lvl, code) for lvl, code in df[["geo_level", "geo_code"]].drop_duplicates()
             .itertuples(index=False)}
    return df.assign(
        title=df["indicator_id"].map(lambda i: cat[i].title),
        theme=df["indicator_id"].map(lambda i: cat[i].theme),
        territoire=[names[(lvl, code)] for lvl, code in zip(df["geo_level"], df["geo_code"])],
    )
