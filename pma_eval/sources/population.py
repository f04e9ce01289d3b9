"""INSEE legal populations by commune, long table by *millésime*.

The population "millésime N" is published at the end of N+2 and is in force on 1 January
N+3. Indicators of year Y use millésime Y (see :func:`pma_eval.assemble.steps.population` for the missing
ones, interpolated and flagged ``estimated``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._table import LINE, Parser, read_any


def read_population(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read the long table of legal populations.

    Returns
    -------
    DataFrame
        ``code_insee, millesime, population_municipale`` [inhabitants],
        ``population_totale`` [inhabitants, may be missing], ``millesime_statut``
        (``documentee`` or ``inferee``), ``sources``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"code_insee": ("codgeo", "code_commune"), "millesime": ("annee",),
                      "population_municipale": ("pmun", "pop_mun")},
                     {"population_totale": ("ptot",), "millesime_statut": (), "sources": ("source",)})
    out = pd.DataFrame({
        "code_insee": p.code(cols["code_insee"], "insee"),
        "millesime": p.observed_year(cols["millesime"]),
        "population_municipale": p.integer(cols["population_municipale"], minimum=0),
        "population_totale": (p.integer(cols["population_totale"], required=False, minimum=0)
                              if "population_totale" in cols else pd.NA),
        "millesime_statut": (p.choice(cols["millesime_statut"], {"documentee", "inferee"}, what="statut")
                             if "millesime_statut" in cols else "documentee"),
        "sources": p.text(cols["sources"], required=False) if "sources" in cols else "",
        "line": p.df[LINE],
    })
    p.duplicates(out[["code_insee", "millesime"]], "code_insee, millesime")
    p.raise_if_any()
    return out
