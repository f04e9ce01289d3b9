"""Climate-energy targets table (national, regional, European, local PCAET) in one CSV format.

Columns ``id, perimetre, document, indicateur, secteur, annee_cible, annee_reference, valeur,
unite, trouve_dans, verification``. A territory adds its own PCAET targets in a file of the same
format (``perimetre`` = ``PMA`` or an EPCI acronym), with its ``.meta.yml`` (``format: objectifs``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import YEAR_MAX, YEAR_MIN
from ._table import LINE, Parser, read_any

VERIFICATION = {
    "verifie_copie_stockee": "verifie_copie_stockee", "verifie": "verifie",
    "non_verifie_memoire": "non_verifie_memoire", "non_verifie": "non_verifie",
}


def read_targets(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read a targets file.

    Returns
    -------
    DataFrame
        ``target_id, perimetre, document, indicateur, secteur, target_year, ref_year`` (int or
        ``<NA>`` when the reference is not a year), ``ref_text``, ``valeur``, ``unite``,
        ``trouve_dans``, ``verification``, ``verified`` (bool), ``line``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({c: () for c in ("id", "perimetre", "document", "indicateur", "secteur", "annee_cible",
                                      "annee_reference", "valeur", "unite", "verification")},
                     {"trouve_dans": ()})
    ref_text = p.text(cols["annee_reference"], required=False)
    ref_year = pd.to_numeric(ref_text.where(ref_text.str.fullmatch(r"\d{4}")), errors="coerce").astype("Int64")
    out = pd.DataFrame({
        "target_id": p.text(cols["id"]),
        "perimetre": p.text(cols["perimetre"]),
        "document": p.text(cols["document"]),
        "indicateur": p.text(cols["indicateur"]),
        "secteur": p.text(cols["secteur"]),
        "target_year": p.year(cols["annee_cible"], YEAR_MIN, YEAR_MAX),
        "ref_year": ref_year,
        "ref_text": ref_text,
        "valeur": p.number(cols["valeur"], required=True, allow_negative=True),
        "unite": p.text(cols["unite"]),
        "trouve_dans": p.text(cols["trouve_dans"], required=False) if "trouve_dans" in cols else "",
        "verification": p.choice(cols["verification"], VERIFICATION, what="vérification"),
        "line": p.df[LINE],
    })
    p.duplicates(out[["target_id"]], "id")
    p.raise_if_any()
    out["verified"] = out["verification"].str.startswith("verifie")
    return out
