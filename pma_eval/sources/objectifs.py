"""Climate-energy targets table (national, regional, European, local PCAET) in one CSV format.

Columns ``id, perimetre, document, indicateur, secteur, annee_cible, annee_reference, valeur,
unite, trouve_dans, verification`` and, optionally, ``statut`` (``adopte``, ``en_projet``,
``orientation``) and ``note`` (the reading made of the text, in French, shown beside the verdict; for a
target no indicator can judge, why). A territory adds its own PCAET targets, or the adopted SRADDET's figures, in a file of
the same format (``perimetre`` = ``PMA``, an EPCI acronym or ``Hauts-de-France``) with its
``.meta.yml`` (``format: objectifs``): see ``data/raw/objectifs/objectifs_territoire.csv``, shipped
empty as the template.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import YEAR_MAX, YEAR_MIN
from ._table import LINE, Parser, read_any

VERIFICATION = {
    "verifie_copie_stockee": "verifie_copie_stockee", "verifie": "verifie",
    "verifie_site_epci": "verifie_site_epci",
    "verifie_source_secondaire": "verifie_source_secondaire",
    "non_verifie_memoire": "non_verifie_memoire", "non_verifie": "non_verifie",
}
#: Adoption status of the document (optional ``statut`` column): adopted, draft, or orientations.
#: The verification values in French, for the pages.
VERIFICATION_FR = {"verifie_copie_stockee": "vérifié sur une copie stockée du texte", "verifie": "vérifié dans le texte",
                   "verifie_site_epci": "vérifié sur le site de l'EPCI",
                   "verifie_source_secondaire": "vérifié par une source secondaire",
                   "non_verifie_memoire": "non vérifié (de mémoire)", "non_verifie": "non vérifié"}
STATUT = {"adopte": "adopte", "adopté": "adopte", "en_projet": "en_projet", "projet": "en_projet",
          "orientation": "orientation", "orientations": "orientation"}


def read_targets(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read a targets file.

    Returns
    -------
    DataFrame
        ``target_id, perimetre, document, indicateur, secteur, target_year, ref_year`` (int or
        ``<NA>`` when the reference is not a year), ``ref_text``, ``valeur``, ``unite``,
        ``trouve_dans``, ``verification``, ``verified`` (bool), ``note`` ('' when none), ``line``.
    """
    p = Parser(read_any(path, display, allow_empty=True), display or str(path))
    cols = p.columns({c: () for c in ("id", "perimetre", "document", "indicateur", "secteur", "annee_cible",
                                      "annee_reference", "valeur", "unite", "verification")},
                     {"trouve_dans": (), "statut": (), "note": ()})
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
        "statut": (p.choice(cols["statut"], STATUT, what="statut", required=False).fillna("")
                   if "statut" in cols else ""),
        "note": p.text(cols["note"], required=False) if "note" in cols else "",
        "line": p.df[LINE],
    })
    p.duplicates(out[["target_id"]], "id")
    p.raise_if_any()
    out["verified"] = out["verification"].str.startswith("verifie")
    return out
