"""Bring a producer's file into ``data/raw``: recognise it, check it, copy it unchanged, describe it.

``pma-eval data add FICHIER`` and ``pma-eval data fetch`` both end here. The file is recognised
from its header (:mod:`pma_eval.sources.layouts`), read in full by its reader (so a faulty file
is refused with located French errors before anything is written), copied byte for byte into
``data/raw/<thème>/`` and described by a ``.meta.yml`` (producer, licence, layout, years found,
``nature: observed``, sha256, date added; URL and access date when downloaded). An earlier file
of the same name is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from .atomic import atomic_new_files
from .checksum import sha256 as sha256_file
from .config import Paths, get_paths
from .errors import ConfigurationError, InputDataError, Problem, display_path
from .sources.layouts import Layout, identify, snapshot_year_from_name


@dataclass
class Added:
    """What ``add`` did: where the file is, its layout, the years it covers, and whether it was new."""

    path: Path
    layout: Layout
    years: list[int]
    new: bool
    outside_rows: int = 0


def territory_communes(paths: Paths) -> pd.DataFrame:
    """The commune table of the territory (``data/raw/territoire``), as the build reads it."""
    from .sources import read_communes

    files = sorted((paths.raw / "territoire").glob("*communes*.csv"))
    if not files:
        raise ConfigurationError(f"fichier des communes du Pôle introuvable dans {paths.raw / 'territoire'}")
    return read_communes(files[0], display_path(files[0], paths.root))


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


def inspect(path: Path, paths: Paths, snapshot_year: int | None = None,
            inventory_year: int | None = None, display: str | None = None) -> tuple[Layout, dict, list[int], int]:
    """Recognise and read a file as the build will: layout, reader options, years, rows outside.

    Raises :class:`InputDataError` (located French messages) for an unknown layout or bad content.
    """
    from .build.common import RawFile
    from .build.discover import read_raw
    from .territory import Territory

    name = display or str(path)
    layout = identify(path, name)
    communes = territory_communes(paths)
    options: dict = {}
    if layout.format == "odre_registre":
        year = snapshot_year or snapshot_year_from_name(path.name)
        if year is None:
            raise InputDataError([Problem(name, "année de l'instantané du registre introuvable : donnez "
                                          "--annee-instantane AAAA, ou gardez le nom publié qui finit par "
                                          "-3112AA (instantané au 31/12/20AA)")])
        options["snapshot_year"] = int(year)
    elif layout.format == "igt_citepa":
        if inventory_year is None:
            raise InputDataError([Problem(name, "l'IGT du CITEPA n'écrit pas son année : donnez --annee-inventaire "
                                          "AAAA (2016 pour l'édition diffusée avec l'atelier)")])
        options["year"] = int(inventory_year)
    # The same reader, with the same options, as the build will use.
    territory = Territory.from_communes(communes)
    df = read_raw(RawFile(path, {"format": layout.format, "options": options}, name), territory)
    outside = int(df.attrs.get("outside", {}).get("rows", 0))
    if layout.format == "igt_citepa":  # the IGT reader does not filter: a wider file says so in its metadata
        inside = df["code_insee"].isin(set(communes["code_insee"]))
        outside = int(df.loc[~inside, "code_insee"].nunique())
        if outside:
            options["extent"] = "plus_large"
        df = df.loc[inside]
    if layout.format == "odre_biomethane" and "year" not in df:
        # A register of sites speaks for every year from its first commissioning to its date, even where the
        # territory has no site (0 sites, observed).
        options.update(register_date(path, df, snapshot_year))
        first = df.attrs.get("first_commissioning")
        years = list(range(int(first[:4]) if first else options["snapshot_year"], options["snapshot_year"] + 1))
    else:
        years = sorted(int(y) for y in df["year"].unique())
        if df.empty:
            raise InputDataError([Problem(name, "aucune commune du Pôle dans ce fichier : rien à ajouter (vérifiez "
                                          "le filtre du téléchargement)")])
    return layout, options, years, outside


def register_date(path: Path, df: pd.DataFrame, year: int | None = None) -> dict:
    """Date of a biomethane register: the ``AAAA-MM-JJ`` of its name (the download's date, as a copy keeps it),
    else its latest commissioning; ``year`` (``--annee-instantane``) overrides the year. Options
    ``snapshot_year`` and, when known, ``snapshot_date``."""
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", path.stem)
    date = m.group(0) if m else df.attrs.get("latest_commissioning")
    if year is None and date is None:
        raise InputDataError([Problem(str(path), "date du registre introuvable : donnez --annee-instantane AAAA")])
    out = {"snapshot_year": int(year or date[:4])}
    if m and (year is None or int(m.group(1)) == int(year)):
        out["snapshot_date"] = m.group(0)
    return out


def add(source: str | Path, paths: Paths | None = None, snapshot_year: int | None = None,
        inventory_year: int | None = None, download: dict | None = None) -> Added:
    """Check ``source`` and copy it unchanged into ``data/raw/<thème>/`` with its ``.meta.yml``.

    Parameters
    ----------
    download : dict, optional
        ``url`` and ``date d'accès`` of a file fetched from a portal, written in the metadata.

    Raises
    ------
    InputDataError
        Unknown layout, faulty content, or a *different* file already under the same name.
    """
    paths = paths or get_paths()
    source = Path(source)
    if not source.is_file():
        raise ConfigurationError(f"fichier introuvable : {source}")
    layout, options, years, outside = inspect(source, paths, snapshot_year, inventory_year)
    folder = paths.raw / layout.theme
    dest = folder / source.name
    digest = sha256_file(source)
    if dest.exists():
        if sha256_file(dest) == digest:
            return Added(dest, layout, years, new=False, outside_rows=outside)
        raise InputDataError([Problem(display_path(dest, paths.root), "un fichier différent porte déjà ce nom dans "
                                      "data/raw : il n'est jamais écrasé. Renommez le nouveau fichier (par exemple "
                                      "avec sa date de téléchargement) puis ajoutez-le de nouveau",
                                      value=str(source))])
    for other in folder.glob("*"):
        if other.is_file() and not other.name.endswith(".meta.yml") and sha256_file(other) == digest:
            return Added(other, layout, years, new=False, outside_rows=outside)
    meta = {
        "title": f"{layout.producer} — {layout.label} ({_years_text(years)})",
        "producer": layout.producer,
        "licence": layout.licence,
        "layout": layout.id,
        "format": layout.format,
        "years": _years_text(years),
        "nature": "observed",
        "sha256": digest,
        "date_ajout": dt.date.today().isoformat(),
        "origine": source.name,
    }
    if layout.dataset:
        meta["dataset"] = layout.dataset
    if options:
        meta["options"] = options
    if download:
        meta.update(download)
    folder.mkdir(parents=True, exist_ok=True)
    _write_pair(source, dest, meta)
    return Added(dest, layout, years, new=True, outside_rows=outside)


def _write_pair(source: Path, dest: Path, meta: dict) -> None:
    """Copy the file and write its metadata through temporary names: both appear, or neither."""
    with atomic_new_files(dest, dest.with_name(dest.name + ".meta.yml")) as (tmp_data, tmp_meta):
        shutil.copyfile(source, tmp_data)
        tmp_meta.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
