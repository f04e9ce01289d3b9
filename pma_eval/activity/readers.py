"""Readers of the activity records (CSV or XLSX sheets), with personal data pseudonymised at reading.

Names and e-mails typed in ``participations.personne`` are replaced by a keyed hash (HMAC-SHA256)
before anything else sees them: no name or e-mail reaches a processed table, an indicator, a
report or a log. The key comes from ``PMA_EVAL_CLE_PSEUDO`` (environment or a git-ignored
``.env`` at the project root). Demonstration files (the fictitious example set) use a public
demonstration key; a real file without a key is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from pathlib import Path

import pandas as pd

from ..errors import ConfigurationError
from ..sources._table import LINE, Parser, read_any
from .schema import ACTION_STATUSES, EVENT_TYPES, ORG_TYPES, PROJECT_STATUSES, epci_codes

KEY_VAR = "PMA_EVAL_CLE_PSEUDO"
DEMO_KEY = "cle-publique-de-demonstration-pma-eval"


def configured_key(root: Path | None) -> str | None:
    """The pseudonymisation key set for this project (environment, then ``.env`` at ``root``), if any."""
    key = os.environ.get(KEY_VAR)
    env_file = (root / ".env") if root else None
    if not key and env_file and env_file.exists():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith(KEY_VAR + "="):
                key = line.split("=", 1)[1].strip().strip('"').strip("'")
    return key or None


def pseudonymisation_key(root: Path | None, nature: str) -> bytes:
    key = configured_key(root)
    if not key:
        if nature == "demonstration":
            return DEMO_KEY.encode()
        raise ConfigurationError(
            f"clé de pseudonymisation absente : définissez la variable d'environnement {KEY_VAR} "
            "(ou une ligne « PMA_EVAL_CLE_PSEUDO=… » dans le fichier .env à la racine du projet, non versionné) "
            "avant de lire des participations réelles ; gardez la même clé d'une année sur l'autre.")
    return key.encode()


def pseudonym(key: bytes, person: str) -> str:
    """Keyed hash of a name or e-mail as typed (case, accents and spaces normalised)."""
    norm = " ".join(unicodedata.normalize("NFKD", person).encode("ascii", "ignore").decode().lower().split())
    return "p_" + hmac.new(key, norm.encode(), hashlib.sha256).hexdigest()[:16]


def _date(p: Parser, col: str, required: bool = True, lo: str = "2010-01-01", hi: str = "2060-12-31") -> pd.Series:
    raw = p.text(col, required=required)
    d = pd.to_datetime(raw.where(raw != ""), errors="coerce", dayfirst=True, format="mixed")
    bad = d.isna() & raw.ne("")
    if bad.any():
        p.problem("date illisible (AAAA-MM-JJ ou JJ/MM/AAAA attendu)", raw.index[bad], col, raw)
    out = d.notna() & ((d < pd.Timestamp(lo)) | (d > pd.Timestamp(hi)))
    if out.any():
        p.problem(f"date hors de la plage admise ({lo[:4]}–{hi[:4]})", raw.index[out], col, raw)
    return d


def read_events(path, display=None, sheet=0) -> pd.DataFrame:
    p = Parser(read_any(path, display, sheet=sheet), display or str(path))
    c = p.columns({k: () for k in ("id_evenement", "date", "type", "titre", "epci")},
                  {"theme": (), "public_cible": ()})
    out = pd.DataFrame({
        "event_id": p.text(c["id_evenement"]), "date": _date(p, c["date"]),
        "type": p.choice(c["type"], EVENT_TYPES, what="type d'événement"), "title": p.text(c["titre"]),
        "epci": p.choice(c["epci"], epci_codes(), what="EPCI"),
        "theme": p.text(c["theme"], required=False) if "theme" in c else "",
        "public": p.text(c["public_cible"], required=False) if "public_cible" in c else "",
        "line": p.df[LINE],
    })
    p.duplicates(out[["event_id"]], "id_evenement")
    p.raise_if_any()
    return out


def read_participations(path, key: bytes, event_ids: set[str] | None = None, display=None, sheet=0) -> pd.DataFrame:
    """Participations with ``person_id`` (keyed hash); the typed names never leave this function."""
    p = Parser(read_any(path, display, sheet=sheet), display or str(path))
    c = p.columns({k: () for k in ("id_evenement", "personne", "organisation", "type_organisation")}, {"role": ()})
    ev = p.text(c["id_evenement"])
    person = p.text(c["personne"])
    if event_ids is not None:
        unknown = ev.ne("") & ~ev.isin(event_ids)
        if unknown.any():
            p.problem("identifiant d'événement inconnu (absent de la liste des événements)", ev.index[unknown],
                      c["id_evenement"], ev)
    out = pd.DataFrame({
        "event_id": ev,
        "person_id": [pseudonym(key, x) if x else "" for x in person],
        "organisation": p.text(c["organisation"]),
        "org_type": p.choice(c["type_organisation"], ORG_TYPES, what="type d'organisation"),
        "role": p.text(c["role"], required=False) if "role" in c else "",
        "line": p.df[LINE],
    })
    dup = out.duplicated(["event_id", "person_id"]) & out["person_id"].ne("")
    if dup.any():
        p.problem("même personne inscrite deux fois au même événement", out.index[dup], c["personne"])
    p.raise_if_any()
    return out


def read_projects(path, display=None, sheet=0) -> pd.DataFrame:
    p = Parser(read_any(path, display, sheet=sheet), display or str(path))
    c = p.columns({k: () for k in ("id_projet", "nom", "porteur", "epci", "axe", "date_labellisation", "statut")},
                  {"budget_eur": ()})
    out = pd.DataFrame({
        "project_id": p.text(c["id_projet"]), "name": p.text(c["nom"]), "holder": p.text(c["porteur"]),
        "epci": p.choice(c["epci"], epci_codes(), what="EPCI"), "axis": p.text(c["axe"]),
        "labelled": _date(p, c["date_labellisation"]),
        "status": p.choice(c["statut"], PROJECT_STATUSES, what="statut"),
        "budget": p.number(c["budget_eur"]) if "budget_eur" in c else float("nan"), "line": p.df[LINE],
    })
    p.duplicates(out[["project_id"]], "id_projet")
    p.raise_if_any()
    return out


def read_strategy(path, known_indicators: set[str] | None = None, display=None, sheet=0) -> pd.DataFrame:
    p = Parser(read_any(path, display, sheet=sheet), display or str(path))
    c = p.columns({k: () for k in ("id_axe", "axe", "id_engagement", "engagement")}, {"indicateurs": ()})
    ind = p.text(c["indicateurs"], required=False) if "indicateurs" in c else pd.Series("", index=p.df.index)
    if known_indicators is not None:
        bad = ind.map(lambda s: any(i.strip() not in known_indicators for i in s.split(",") if i.strip()))
        if bad.any():
            p.problem("identifiant d'indicateur inconnu du catalogue", ind.index[bad], c["indicateurs"], ind)
    out = pd.DataFrame({"axis_id": p.text(c["id_axe"]), "axis": p.text(c["axe"]),
                        "commitment_id": p.text(c["id_engagement"]), "commitment": p.text(c["engagement"]),
                        "indicators": ind, "line": p.df[LINE]})
    p.duplicates(out[["commitment_id"]], "id_engagement")
    p.raise_if_any()
    return out


def read_actions(path, commitment_ids: set[str] | None = None, display=None, sheet=0) -> pd.DataFrame:
    """Actions of the strategy's commitments. The optional ``epci`` column (CALL, CAHC, CABBALR or PMA)
    names the territory an action belongs to; without it, the pilot's (:mod:`pma_eval.activity.perimeter`)."""
    p = Parser(read_any(path, display, sheet=sheet), display or str(path))
    c = p.columns({k: () for k in ("id_action", "id_engagement", "titre", "pilote", "statut")},
                  {"debut": (), "fin": (), "budget_prevu_eur": (), "budget_depense_eur": (), "indicateurs": (),
                   "epci": ()})
    com = p.text(c["id_engagement"])
    if commitment_ids is not None:
        unknown = com.ne("") & ~com.isin(commitment_ids)
        if unknown.any():
            p.problem("engagement inconnu (absent de la stratégie)", com.index[unknown], c["id_engagement"], com)
    start = _date(p, c["debut"], required=False) if "debut" in c else pd.NaT
    end = _date(p, c["fin"], required=False) if "fin" in c else pd.NaT
    out = pd.DataFrame({
        "action_id": p.text(c["id_action"]), "commitment_id": com, "title": p.text(c["titre"]),
        "pilot": p.text(c["pilote"]), "status": p.choice(c["statut"], ACTION_STATUSES, what="statut"),
        "start": start, "end": end,
        "budget_planned": p.number(c["budget_prevu_eur"]) if "budget_prevu_eur" in c else float("nan"),
        "budget_spent": p.number(c["budget_depense_eur"]) if "budget_depense_eur" in c else float("nan"),
        "line": p.df[LINE],
    })
    if "epci" in c:  # optional: the EPCI the action belongs to (else its pilot's, activity.perimeter)
        out.insert(out.columns.get_loc("line"), "epci",
                   p.choice(c["epci"], epci_codes(), required=False, what="EPCI"))
    if "debut" in c and "fin" in c:
        inverted = out["start"].notna() & out["end"].notna() & (out["end"] < out["start"])
        if inverted.any():
            p.problem("date de fin antérieure à la date de début", out.index[inverted], c["fin"], p.df[c["fin"]])
    p.duplicates(out[["action_id"]], "id_action")
    p.raise_if_any()
    return out

