"""Download the producers' files from their open-data portals (Opendatasoft Explore API v2.1).

``pma-eval data fetch [ore] [odre] [--annees …]`` asks each portal for a CSV export filtered on
the départements of the territory (so that the comparison with the département is possible
and ODRÉ's rows without a commune code are kept and counted), then hands every file to
:func:`pma_eval.acquire.add`, which checks it and writes it into ``data/raw`` with its URL and
access date.

- Exports: ``GET {portail}/api/explore/v2.1/catalog/datasets/{id}/exports/csv?where=…&delimiter=%3B
  &use_labels=false`` (``use_labels=false`` keeps the field names rather than human labels).
- Portal roots: ``PMA_EVAL_PORTAIL_ORE`` and ``PMA_EVAL_PORTAIL_ODRE`` override the defaults
  (mirrors, tests).
- Downloads go to ``data/.telechargements/`` first and resume where they stopped (HTTP
  ``Range``), with a timeout and a few retries; offline, a clear French message, and the files
  already in ``data/raw`` keep being used.
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .atomic import promote
from .config import Paths, get_paths
from .errors import InputDataError, PmaEvalError

PORTALS = {
    "ore": ("PMA_EVAL_PORTAIL_ORE", "https://opendata.agenceore.fr"),
    "odre": ("PMA_EVAL_PORTAIL_ODRE", "https://odre.opendatasoft.com"),
}
#: Agence ORE datasets: the wide one stops in 2021, the long one starts in 2022 (FORMATS.md).
ORE_WIDE = "conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune"
ORE_LONG = "consommation-annuelle-d-electricite-et-gaz-par-commune"
ORE_LAST_WIDE_YEAR = 2021
#: ODRÉ yearly snapshots "au 31/12/YY".
ODRE_SNAPSHOT = "registre-national-installation-production-stockage-electricite-agrege-3112{yy:02d}"
TIMEOUT_S = 60
RETRIES = 3
CHUNK = 1 << 16


class PortalError(PmaEvalError):
    """A portal cannot be reached or refuses a request. Exit status 3 on the command line."""

    exit_code = 3


class NotOnPortal(PortalError):
    """The portal does not have this dataset (a snapshot year not published, for example)."""


@dataclass(frozen=True)
class Request:
    """One export to download: which portal, dataset, filter, and the file name to keep."""

    portal: str
    dataset: str
    where: str
    file_name: str
    year: int

    def url(self) -> str:
        env, default = PORTALS[self.portal]
        root = os.environ.get(env) or default
        query = urllib.parse.urlencode({"where": self.where, "delimiter": ";", "use_labels": "false"})
        return f"{root.rstrip('/')}/api/explore/v2.1/catalog/datasets/{self.dataset}/exports/csv?{query}"


def requests_for(sources: list[str], years: list[int], departements: list[str]) -> list[Request]:
    """The exports that cover ``years`` for the territory's ``departements``."""
    deps = sorted(set(departements))
    tag = "dep" + "-".join(deps)
    out = []
    for year in years:
        if "ore" in sources:
            dataset = ORE_WIDE if year <= ORE_LAST_WIDE_YEAR else ORE_LONG
            where = " OR ".join(f'code_departement="{d}"' for d in deps)
            out.append(Request("ore", dataset, f"annee={year} AND ({where})", f"{dataset}_{year}_{tag}.csv", year))
        if "odre" in sources:
            dataset = ODRE_SNAPSHOT.format(yy=year % 100)
            where = " OR ".join(f'codedepartement="{d}"' for d in deps)
            out.append(Request("odre", dataset, where, f"{dataset}_{tag}.csv", year))
    return out


def download(url: str, dest: Path, timeout: float = TIMEOUT_S, retries: int = RETRIES,
             pause: float | None = None) -> Path:
    """Download ``url`` into ``dest``, resuming a partial ``dest.part`` with an HTTP Range request.

    Raises :class:`PortalError` (French) when the portal cannot be reached after ``retries``
    attempts or answers an error; the partial file is kept for the next attempt.
    """
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    pause = float(os.environ.get("PMA_EVAL_PAUSE_RETRY", "2")) if pause is None else pause
    last: Exception | None = None
    for attempt in range(1, retries + 1):
        have = part.stat().st_size if part.exists() else 0
        req = urllib.request.Request(url, headers={"User-Agent": "pma-eval", **({"Range": f"bytes={have}-"} if have else {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                mode = "ab" if have and resp.status == 206 else "wb"
                expected = int(resp.headers.get("Content-Length") or -1)
                got = 0
                with open(part, mode) as f:
                    while chunk := resp.read(CHUNK):
                        f.write(chunk)
                        got += len(chunk)
                if 0 <= got < expected:
                    raise ConnectionError(f"connexion coupée après {got} octets sur {expected}")
            promote(part, dest)
            return dest
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:  # already complete
                promote(part, dest)
                return dest
            if exc.code == 404:
                raise NotOnPortal(f"jeu de données absent du portail (404) : {url}") from None
            if exc.code == 400:
                raise PortalError(f"le portail refuse la demande (400, filtre mal formé ?) : {url}") from None
            last = exc
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError, OSError) as exc:
            last = exc  # includes a connection cut mid-body (IncompleteRead): resumed on the next attempt
        if attempt < retries:
            time.sleep(pause * attempt)
    reason = getattr(last, "reason", last)
    raise PortalError(f"portail injoignable après {retries} essais ({reason}) : {url.split('/api/')[0]}. "
                      "Vérifiez la connexion, ou le miroir indiqué par PMA_EVAL_PORTAIL_ORE / PMA_EVAL_PORTAIL_ODRE ; "
                      "le téléchargement reprendra où il s'est arrêté, et les fichiers déjà présents dans data/raw "
                      "restent utilisés.")


def fetch(sources: list[str], years: list[int], paths: Paths | None = None, echo=print) -> list[Path]:
    """Download and add every export of ``sources`` × ``years``; return the files now in ``data/raw``."""
    from .acquire import territory_communes, add

    paths = paths or get_paths()
    deps = sorted(set(territory_communes(paths)["code_departement"]))  # the table's départements (2A, 2B, 97x)
    cache = paths.root / "data" / ".telechargements"
    added = []
    for req in requests_for(sources, years, deps):
        url = req.url()
        dest = cache / req.file_name
        echo(f"téléchargement : {req.dataset} ({req.year}) …")
        try:
            download(url, dest)
        except NotOnPortal:
            echo(f"  absent du portail : {req.dataset} (pas encore publié pour {req.year} ?) — ignoré")
            continue
        access = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        try:
            # the export was filtered on whole départements: a register speaks for all their communes
            result = add(dest, paths, snapshot_year=req.year if req.portal == "odre" else None,
                         download={"url": url, "date d'accès": access},
                         extent="departement" if req.portal == "odre" else None)
        except InputDataError as exc:
            if any("aucune ligne de données" in p.message or "aucune commune du territoire" in p.message
                   for p in exc.problems):
                echo(f"  aucune donnée du territoire pour {req.year} sur le portail (année pas encore publiée ?)")
                dest.unlink(missing_ok=True)
                continue
            raise
        dest.unlink(missing_ok=True)
        state = "ajouté" if result.new else "déjà présent"
        echo(f"  {state} : {result.path.relative_to(paths.root) if result.path.is_relative_to(paths.root) else result.path}")
        added.append(result.path)
    return added
