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

from .atomic import atomic_new_files, remove_together
from .checksum import sha256 as sha256_file
from .config import Paths, get_paths
from .errors import ConfigurationError, InputDataError, Problem, display_path
from .sources._table import published_in
from .sources.registry import (RawFile, formats, publication_year_from_name, read_raw, replaced_names,
                               resolve_territories)
from .sources.layouts import DEPARTEMENT_EVIDENCE, EXTENTS, TEMPLATE, Layout, identify, snapshot_year_from_name


@dataclass
class Added:
    """What ``add`` did: where the file is, its layout, the years it covers, and whether it was new."""

    path: Path
    layout: Layout
    years: list[int]
    new: bool
    outside_rows: int = 0
    #: What the file speaks for (:data:`~pma_eval.sources.layouts.EXTENTS`), for files that list an area.
    extent: str | None = None
    #: Year the file was published, and how it is known (``--annee-publication``, its name, the download date).
    published: tuple[int, str] | None = None


def territory_communes(paths: Paths) -> pd.DataFrame:
    """The commune table of the territory in use (its declaration's ``communes`` table; without declarations, the
    one of ``data/raw/territoire``), as the build reads it, with ``code_departement`` (from the table, else from the
    national reference)."""
    from .declaration import in_use
    from .sources import read_communes

    decl = in_use(paths)
    if decl is not None:
        path = decl.tables["communes"][0]
        if not path.is_file():
            raise ConfigurationError(f"table des communes introuvable : {display_path(path, paths.root)} (déclarée dans "
                                     f"{display_path(decl.path, paths.root)})")
    else:
        files = sorted((paths.raw / "territoire").glob("*communes*.csv"))
        if not files:
            raise ConfigurationError(f"fichier des communes du territoire introuvable dans {paths.raw / 'territoire'}")
        path = files[0]
    table = read_communes(path, display_path(path, paths.root))
    return table.assign(code_departement=table["code_insee"].map(_departements_of(path, paths)))


def _departements_of(path: Path, paths: Paths) -> dict[str, str]:
    """INSEE code → département of the communes of a table: its ``code_departement`` column, else the national
    reference (never the code's first two characters: wrong for Corsica, 2A/2B, and the overseas 97x)."""
    head = pd.read_csv(path, dtype=str, nrows=0).columns
    if "code_departement" in head:
        t = pd.read_csv(path, dtype=str, usecols=["code_insee", "code_departement"], keep_default_na=False)
        return dict(zip(t["code_insee"], t["code_departement"]))
    import csv
    import gzip

    from . import reference

    with gzip.open(reference.folder(paths) / reference.FILES["communes"], "rt", encoding="utf-8", newline="") as f:
        return {r["code_insee"]: r["code_departement"] for r in csv.DictReader(f)}


def raw_home(paths: Paths) -> Path:
    """Where ``data add`` puts the files of the territory in use: ``data/raw`` for the default territory,
    ``data/raw/territoire/<id>/`` for another (they speak for it alone: :class:`pma_eval.assemble.discover.Scope`)."""
    from .config import DEFAULT_TERRITORY
    from .declaration import tables_folder

    return paths.raw if paths.territory == DEFAULT_TERRITORY else tables_folder(paths, paths.territory)


def _years_text(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"


#: How a publication year is known, as the metadata's ``annee_publication_source:`` and the messages say it.
PUBLISHED_BY_OPTION = "donnée par --annee-publication"
PUBLISHED_BY_NAME = "lue dans le nom publié du fichier"
PUBLISHED_BY_DOWNLOAD = "au plus tard : année du téléchargement"


def publication(path: Path, name: str, fmt: str, given: int | None,
                downloaded: int | None = None) -> tuple[int, str] | None:
    """The year a file was published and how it is known: ``--annee-publication``, else the year its published
    name carries (:attr:`~pma_eval.sources.registry.Format.published`), else the year of its download; ``None``
    when nothing says it. An option that contradicts the published name is refused."""
    named = publication_year_from_name(fmt, path.name)
    if given is not None and named is not None and int(given) != named:
        raise InputDataError([Problem(name, f"année de publication contradictoire : --annee-publication {given}, "
                                      f"mais le nom publié du fichier dit {named} ; gardez l'année du nom, ou renommez "
                                      "le fichier s'il a été mal nommé", value=str(given))])
    if given is not None:
        return int(given), PUBLISHED_BY_OPTION
    if named is not None:
        return named, PUBLISHED_BY_NAME
    return (int(downloaded), PUBLISHED_BY_DOWNLOAD) if downloaded is not None else None


def inspect(path: Path, paths: Paths, snapshot_year: int | None = None,
            inventory_year: int | None = None, display: str | None = None,
            extent: str | None = None, fmt: str | None = None, publication_year: int | None = None,
            downloaded: int | None = None
            ) -> tuple[Layout, dict, list[int], int, str | None, pd.DataFrame, tuple[int, str] | None]:
    """Recognise and read a file as the build will: layout, reader options, years, rows outside, and the
    extent of a file that lists an area (``extent`` as asked, else inferred from evidence), and what the
    reader read of the territory, and its publication year with how it is known (:func:`publication`).

    An observed year after the publication year is refused, with its line where the file gives the year in a
    column, else naming the option or name that gives it (a register's snapshot, an inventory's year).

    Raises :class:`InputDataError` (located French messages) for an unknown layout, bad content, or an area
    file whose extent is neither given nor evident.
    """
    from .territory import Territory, whole_in_use

    name = display or str(path)
    layout = identify(path, name, fmt)
    published = publication(path, name, layout.format, publication_year, downloaded)
    communes = territory_communes(paths)
    options: dict = {}
    if layout.format == "odre_registre":
        named = snapshot_year_from_name(path.name)
        if snapshot_year is not None and named is not None and int(snapshot_year) != named:
            raise InputDataError([Problem(name, f"année de l'instantané contradictoire : --annee-instantane "
                                          f"{snapshot_year}, mais le nom publié du fichier dit 31/12/{named} ; gardez "
                                          "l'année du nom, ou renommez le fichier s'il a été mal nommé",
                                          value=str(snapshot_year))])
        year = snapshot_year or named
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
    territory = Territory.from_communes(communes, None, whole_in_use(paths))
    with published_in(published):
        df = read_raw(RawFile(path, {"format": layout.format, "options": options}, name), territory)
    outside = int(df.attrs.get("outside", {}).get("rows", 0))
    if layout is TEMPLATE:  # territories named as the build will resolve them: an unknown one is refused now
        problems: list[Problem] = []
        df = resolve_territories(RawFile(path, {}, name), df, territory, problems, ("commune", "epci", "pma"))
        if problems:
            raise InputDataError(problems)
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
            raise InputDataError([Problem(name, f"aucune commune du territoire ({territory.whole.name}) dans ce "
                                          "fichier : rien à ajouter (vérifiez le filtre du téléchargement)")])
    late = [y for y in years if published is not None and y > published[0]]
    if late:  # a year given by an option or a name, not by a column of the file (checked with its line above)
        raise InputDataError([Problem(name, f"année postérieure à la publication du fichier ({published[0]} ; "
                                      f"{published[1]}) : le fichier ne peut pas observer {_years_text(late)} ; "
                                      "vérifiez --annee-instantane, --annee-inventaire ou --annee-publication",
                                      value=_years_text(late))])
    if formats()[layout.format].extent == "area":
        extent = area_extent(path, name, layout, options, communes, paths, extent)
    return layout, options, years, outside, extent, df, published


def area_extent(path: Path, name: str, layout: Layout, options: dict, communes: pd.DataFrame, paths: Paths,
                asked: str | None) -> str:
    """What a register speaks for. A register lists every installation of the area it was downloaded for,
    but the area is not written in it: it is ``asked`` (``--etendue``), or a département's download when the
    file has rows for at least :data:`DEPARTEMENT_EVIDENCE` of the communes of each of the territory's
    départements. Otherwise the file is refused, with the three choices."""

    if asked is not None:
        if asked not in EXTENTS:
            raise ConfigurationError(f"étendue inconnue : {asked} (étendues admises : {', '.join(EXTENTS)})")
        return asked
    codes = set(read_raw(RawFile(path, {"format": layout.format, "options": options}, name), None)["code_insee"])
    reference = _communes_by_departement(paths, communes)
    mine = set(communes["code_insee"])
    shares = {d: len(codes & every) / len(every) for d, every in reference.items()
              if d in set(communes["code_departement"])}
    if shares and min(shares.values()) >= DEPARTEMENT_EVIDENCE:
        return "departement"
    inside = sorted(codes & mine)
    names = dict(zip(communes["code_insee"], communes["nom"]))
    shown = ", ".join(names[c] for c in inside[:5]) + (f" et {len(inside) - 5} autres" if len(inside) > 5 else "")
    choices = " ; ".join(f"--etendue {k} : {v}" for k, v in EXTENTS.items())
    raise InputDataError([Problem(
        name, f"étendue du fichier inconnue : ce registre a des lignes pour {len(inside)} des {len(mine)} communes "
        f"du territoire ({shown}) et pour {len(codes - mine)} commune{'s' * (len(codes - mine) > 1)} hors du "
        "territoire. Un registre liste tout ce que contient la zone téléchargée, mais cette zone n'est pas écrite "
        "dans le fichier : dites ce qu'il couvre. " + choices,
        value=f"{len(inside)} communes du territoire")])


def _communes_by_departement(paths: Paths, communes: pd.DataFrame) -> dict[str, set[str]]:
    """Every commune of each département of the territory: from the region's communes table when the project has
    one that holds them all (it knows the communes outside the territory), else from the national reference, else
    from the territory's own table."""
    import csv
    import gzip

    from . import reference
    from .sources import read_region_communes

    wanted = set(communes["code_departement"])
    found = sorted((paths.raw / "comparaisons").glob("*communes*.csv"))
    if found:
        table = read_region_communes(found[0], display_path(found[0], paths.root))
        if wanted <= set(table["code_departement"]):
            return {d: set(g["code_insee"]) for d, g in table.groupby("code_departement")}
    national = reference.folder(paths) / reference.FILES["communes"]
    if national.is_file():
        out: dict[str, set[str]] = {}
        with gzip.open(national, "rt", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                if r["code_departement"] in wanted:
                    out.setdefault(r["code_departement"], set()).add(r["code_insee"])
        return out
    return {d: set(g["code_insee"]) for d, g in communes.groupby("code_departement")}


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
        inventory_year: int | None = None, download: dict | None = None, extent: str | None = None,
        replaces: str | None = None, fmt: str | None = None, publication_year: int | None = None) -> Added:
    """Check ``source`` and copy it unchanged into ``data/raw/<thème>/`` with its ``.meta.yml``.

    Parameters
    ----------
    download : dict, optional
        ``url`` and ``date d'accès`` of a file fetched from a portal, written in the metadata; the year of the
        access date bounds the observed years (a file downloaded in 2024 observes nothing after 2024).
    publication_year : int, optional
        Year the file was published (``--annee-publication``): an observed year after it is refused, with its
        line. Else the year the published name carries, else the download's; written ``annee_publication:``.
    extent : str, optional
        What a register speaks for (:data:`~pma_eval.sources.layouts.EXTENTS`), written ``etendue:``.
    fmt : str, optional
        ``inventaire`` for the project's inventory template (a producer's file is recognised from its header).
    replaces : str, optional
        Name of an observed file of the same folder that the new one replaces (a newer vintage): written
        ``replaces:``; the old file stays in data/raw, no longer read.

    Raises
    ------
    InputDataError
        Unknown layout, faulty content, a *different* file already under the same name, or a file that
        speaks for what an observed file already there speaks for (names both, says what to do).
    """
    paths = paths or get_paths()
    source = Path(source)
    if not source.is_file():
        raise ConfigurationError(f"fichier introuvable : {source}")
    accessed = str((download or {}).get("date d'accès") or "")[:4]
    layout, options, years, outside, extent, frame, published = inspect(
        source, paths, snapshot_year, inventory_year, extent=extent, fmt=fmt, publication_year=publication_year,
        downloaded=int(accessed) if accessed.isdigit() else None)
    folder = raw_home(paths) / layout.theme
    dest = folder / source.name
    digest = sha256_file(source)
    if dest.exists():
        if sha256_file(dest) == digest:
            return Added(dest, layout, years, new=False, outside_rows=outside, extent=extent, published=published)
        raise InputDataError([Problem(display_path(dest, paths.root), "un fichier différent porte déjà ce nom dans "
                                      "data/raw : il n'est jamais écrasé. Renommez le nouveau fichier (par exemple "
                                      "avec sa date de téléchargement) puis ajoutez-le de nouveau",
                                      value=str(source))])
    for other in folder.glob("*"):
        if other.is_file() and not other.name.endswith(".meta.yml") and sha256_file(other) == digest:
            return Added(other, layout, years, new=False, outside_rows=outside, extent=extent, published=published)
    if replaces is not None and not (folder / Path(replaces).name).is_file():
        raise ConfigurationError(f"--remplace : {Path(replaces).name} introuvable dans {display_path(folder, paths.root)} "
                                 "(le fichier remplacé doit être dans le dossier où va le nouveau)")
    check_overlaps(source, layout, frame, paths, None if replaces is None else Path(replaces).name)
    meta = {
        "title": f"{layout.producer} — {layout.label} ({_years_text(years)})",
        "producer": layout.producer,
        "licence": layout.licence,
        "layout": layout.id,
        "format": layout.format,
        "years": _years_text(years),
        "nature": "observed",
        **({"etendue": extent} if extent else {}),
        **({"annee_publication": published[0], "annee_publication_source": published[1]} if published else {}),
        "sha256": digest,
        "date_ajout": dt.date.today().isoformat(),
        "origine": source.name,
    }
    if layout.dataset:
        meta["dataset"] = layout.dataset
    if layout is TEMPLATE:  # who produced the figures is in each row: the producers, and a note to complete
        meta["producer"] = " ; ".join(sorted(set(frame["source"]) - {""})) or "à compléter"
        meta["caveats"] = ["Chiffres saisis dans le modèle d'inventaire : vérifiez producteur et licence "
                           "(ceux de la publication d'où viennent les chiffres)."]
    if options:
        meta["options"] = options
    if download:
        meta.update(download)
    if replaces is not None:
        meta["replaces"] = Path(replaces).name
    folder.mkdir(parents=True, exist_ok=True)
    _write_pair(source, dest, meta)
    journal(paths, f"ajouté : {display_path(dest, paths.root)} ({layout.label} ; années {_years_text(years)}"
                   + (f" ; remplace {meta['replaces']}" if replaces else "") + ")")
    return Added(dest, layout, years, new=True, outside_rows=outside, extent=extent, published=published)


#: Columns that say what a row speaks for (geography, year, energy or technology). Two observed files that
#: share such a key would give the build two values for it.
COVERAGE_COLUMNS = ("geo_level", "geo_code", "code_insee", "year", "sector", "carrier", "technology")


def coverage(frame: pd.DataFrame) -> tuple[list[str], set[tuple]]:
    """The coverage keys of what a reader read (:data:`COVERAGE_COLUMNS` present in it)."""
    cols = [c for c in COVERAGE_COLUMNS if c in frame]
    return cols, {tuple(str(v) for v in row) for row in zip(*(frame[c].to_numpy() for c in cols))}


def check_overlaps(source: Path, layout: Layout, frame: pd.DataFrame, paths: Paths, replaced: str | None) -> None:
    """Refuse a file that speaks for what an observed file of the same format already speaks for (a second copy
    saved again from Excel, a newer vintage added without ``--remplace``), naming both files and the fix."""
    from .territory import Territory
    from .yamltext import safe_load

    cols, mine = coverage(frame)
    if not mine:
        return
    from .assemble.discover import scope_of
    from .territory import whole_in_use

    territory = Territory.from_communes(territory_communes(paths), None, whole_in_use(paths))
    scope = scope_of(paths)
    problems = []
    described = {m: safe_load(m.read_text(encoding="utf-8")) or {} for m in sorted(paths.raw.rglob("*.meta.yml"))
                 if not scope.excludes(m.with_name(m.name[: -len(".meta.yml")]))}
    gone = {m.parent / n for m, meta in described.items() for n in replaced_names(meta)}
    for m, meta in described.items():
        data = m.with_name(m.name[: -len(".meta.yml")])
        if (meta.get("format") != layout.format or meta.get("nature", "observed") == "demonstration"
                or data.name == replaced or data in gone or not data.is_file()):
            continue
        f = RawFile(data, meta, display_path(data, paths.root))
        other_cols, theirs = coverage(read_raw(f, territory))
        common = sorted(mine & theirs) if other_cols == cols else []
        if common:
            example = ", ".join(f"{c} {v}" for c, v in zip(cols, common[0]) if c != "geo_level")
            problems.append(Problem(
                str(source), f"recouvre {f.display}, déjà dans data/raw : {len(common)} valeur"
                f"{'s' * (len(common) > 1)} en commun (par exemple {example}). Si le nouveau fichier en est une "
                f"version plus récente : pma-eval data add {source.name} --remplace {f.path.name} ; si l'un des "
                f"deux a été ajouté par erreur : pma-eval data retire {f.display}",
                value=f"{len(common)} en commun"))
    if problems:
        raise InputDataError(problems)


def journal(paths: Paths, line: str) -> None:
    """One dated line in ``data/journal_des_donnees.log``: what came into data/raw or left it, and when."""
    path = paths.raw.parent / "journal_des_donnees.log"
    stamp = dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    with path.open("a", encoding="utf-8") as out:
        out.write(f"{stamp} {line}\n")


def retire(target: str | Path, paths: Paths | None = None) -> Path:
    """Remove a raw file added by mistake, with its ``.meta.yml``; both go, or neither. Refused for a file
    outside data/raw, without metadata, or named by another file's ``replaces:``. Returns the path removed."""
    from .yamltext import safe_load

    paths = paths or get_paths()
    given = Path(target)
    path = (given if given.is_absolute() else (Path.cwd() / given)).resolve()
    if not path.is_file() and (paths.root / given).is_file():
        path = (paths.root / given).resolve()
    shown = display_path(path, paths.root)
    if not path.is_file() or not path.is_relative_to(paths.raw.resolve()):
        raise ConfigurationError(f"fichier introuvable dans data/raw : {target}")
    meta = path.with_name(path.name + ".meta.yml")
    if not meta.is_file():
        raise ConfigurationError(f"{shown} n'a pas de métadonnées (.meta.yml) : ce n'est pas un fichier ajouté")
    for other in path.parent.glob("*.meta.yml"):  # a file is replaced from its own folder only
        if path.name in replaced_names(safe_load(other.read_text(encoding="utf-8")) or {}):
            raise ConfigurationError(f"{shown} est remplacé par {display_path(other, paths.root)[:-len('.meta.yml')]} "
                                     "(replaces:) : retirez d'abord celui-ci, ou gardez les deux")
    remove_together(path, meta)
    journal(paths, f"retiré : {shown} (et ses métadonnées)")
    return path


def _write_pair(source: Path, dest: Path, meta: dict) -> None:
    """Copy the file and write its metadata through temporary names: both appear, or neither."""
    with atomic_new_files(dest, dest.with_name(dest.name + ".meta.yml")) as (tmp_data, tmp_meta):
        shutil.copyfile(source, tmp_data)
        tmp_meta.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
