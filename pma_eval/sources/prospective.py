"""Inputs of the foresight: scenario YAML files, the ADEME national trajectory, the SGPE levers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputDataError, Problem
from ._table import Parser, read_any


def read_scenario_folder(folder: str | Path, root: str | Path | None = None) -> dict[str, tuple[str, dict]]:
    """Parse every ``*.yml`` of a scenario folder (name = file stem).

    Returns
    -------
    dict
        Scenario name → (file name relative to ``root`` for messages, parsed content). YAML syntax
        errors are reported with their line and column.
    """
    import yaml

    from ..yamltext import safe_load

    folder = Path(folder)
    if not folder.is_dir():
        raise InputDataError([Problem(str(folder), "dossier des scénarios introuvable")])
    docs, problems = {}, []
    for path in sorted(folder.glob("*.yml")):
        shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
        try:
            docs[path.stem] = (shown, safe_load(path.read_text(encoding="utf-8")) or {})
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(shown, f"YAML illisible : {getattr(exc, 'problem', exc)}",
                                    line=mark.line + 1 if mark else None,
                                    column=str(mark.column + 1) if mark else None))
    if problems:
        raise InputDataError(problems)
    if not docs:
        raise InputDataError([Problem(str(folder), "aucun scénario (*.yml) dans le dossier")])
    return docs


def read_tet_trajectory(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """The ADEME/TeT SNBC-territorialised trajectory (``identifiant_referentiel, annee, valeur_objectif``)."""
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"identifiant_referentiel": (), "annee": (), "valeur_objectif": ()}, {"unite": ()})
    out = pd.DataFrame({"identifiant_referentiel": p.text(cols["identifiant_referentiel"]),
                        "annee": p.year(cols["annee"], 1990, 2100),
                        "valeur_objectif": p.number(cols["valeur_objectif"], required=True, allow_negative=True)})
    p.duplicates(out[["identifiant_referentiel", "annee"]], "identifiant_referentiel, annee")
    p.raise_if_any()
    return out


def read_sgpe_levers(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """The SGPE regional 2030 levers (one row per region and lever)."""
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"regionName": (), "id": (), "leverName": (), "sector": (), "group": (), "objCO2": (),
                      "startPoint2019": (), "ratioCO2toPhys": (), "unitPhys": ()})
    out = pd.DataFrame({
        "regionName": p.text(cols["regionName"]), "id": p.text(cols["id"]), "leverName": p.text(cols["leverName"]),
        "sector": p.text(cols["sector"]), "group": p.text(cols["group"]),
        "objCO2": p.number(cols["objCO2"], required=True, allow_negative=True),
        "startPoint2019": p.number(cols["startPoint2019"], allow_negative=True),
        "ratioCO2toPhys": p.number(cols["ratioCO2toPhys"], allow_negative=True).fillna(0.0),
        "unitPhys": p.text(cols["unitPhys"], required=False).replace({"nan": ""}),
    })
    p.duplicates(out[["regionName", "id"]], "regionName, id")
    p.raise_if_any()
    return out


def read_ademe_parameters_table(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """The ADEME method parameters as a table: ``parametre``, ``annee`` (nullable), ``valeur`` (text)."""
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({"parametre": (), "annee": (), "valeur": ()})
    out = pd.DataFrame({"parametre": p.text(cols["parametre"]), "annee": p.integer(cols["annee"], required=False),
                        "valeur": p.text(cols["valeur"])})
    p.raise_if_any()
    return out


def ademe_parameters(table: pd.DataFrame) -> dict[tuple[str, int | None], str]:
    """The parameters table as ``{(parametre, annee): valeur}``."""
    return {(n, None if pd.isna(y) else int(y)): str(v)
            for n, y, v in zip(table["parametre"], table["annee"], table["valeur"])}


def read_ademe_parameters(path: str | Path, display: str | None = None) -> dict[tuple[str, int | None], str]:
    """The ADEME method parameters (``parametre, annee, valeur``) as ``{(parametre, annee): valeur}``."""
    return ademe_parameters(read_ademe_parameters_table(path, display))


def read_unit_costs(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Referenced unit costs of the levers (``levier, parametre, cout_unitaire, annee_euros, source``;
    the source comes out as ``reference_cout``, ``source`` being the raw file's name in processed tables).

    ``cout_unitaire`` is in euros per unit of the yearly effort (per dwelling, per boiler, per MWp);
    only the yearly quantities of :data:`pma_eval.prospective.options.EFFORTS` take one. The template
    is shipped empty: a cost is shown only where someone entered a cost with its source.
    """
    from ..prospective.options import EFFORTS

    p = Parser(read_any(path, display, allow_empty=True), display or str(path))
    cols = p.columns({c: () for c in ("levier", "parametre", "cout_unitaire", "annee_euros", "source")})
    allowed = [f"{lever} / {e.key}" for lever, efforts in EFFORTS.items() for e in efforts if e.kind == "rate"]
    lever, key = p.text(cols["levier"]), p.text(cols["parametre"])
    pair = lever + " / " + key
    bad = ~pair.isin(allowed)
    if bad.any():
        p.problem("levier et paramètre sans quantité annuelle chiffrable (admis : " + ", ".join(allowed) + ")",
                  pair.index[bad], cols["parametre"], pair)
    out = pd.DataFrame({"levier": lever, "parametre": key,
                        "cout_unitaire": p.number(cols["cout_unitaire"], required=True),
                        "annee_euros": p.year(cols["annee_euros"], 1990, 2100),
                        "reference_cout": p.text(cols["source"])})
    p.duplicates(out[["levier", "parametre"]], "levier, parametre")
    p.raise_if_any()
    return out
