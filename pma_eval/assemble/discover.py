"""Discover the raw files and read each with the reader of its published format."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..errors import ConfigurationError, InputDataError, Problem, display_path
from ..sources import read_communes, read_epci
from ..sources.registry import read_raw, replaced_names, wide  # noqa: F401  (read_raw re-exported: the build's reader)
from ..territory import Territory, Whole, whole_of
from ..yamltext import safe_load
from .common import BuildReport, RawFile


@dataclass
class Scope:
    """Which raw files speak for the territory in use (issue 27).

    Every file of ``data/raw`` is read for every territory, except the files another declaration owns: its tables,
    its ``donnees:`` (the Pôle's demonstration series, its own inventory extract, its targets…) and its folder
    ``data/raw/territoire/<id>/``. The territory's own tables are read with the format its declaration gives them.
    Without a declaration (a copy of ``data/raw`` alone), every file is read, as before.
    """

    decl: object | None = None
    #: Files and folders owned by other declarations (resolved paths).
    files: set = field(default_factory=set)
    folders: tuple = ()

    def excludes(self, path: Path) -> bool:
        p = Path(path).resolve()
        return p in self.files or any(p.is_relative_to(f) for f in self.folders)

    @property
    def whole(self) -> Whole | None:
        return None if self.decl is None else whole_of(self.decl)

    @property
    def label(self) -> str:
        """« du Pôle », « de l'agglomération »…: how messages name the territory in use."""
        return "du territoire" if self.decl is None else self.decl.kind.of


def scope_of(paths) -> Scope:
    """The :class:`Scope` of the territory of ``paths``."""
    from .. import declaration

    decl = declaration.in_use(paths)
    if decl is None:
        return Scope()
    files, folders = set(), []
    for other in declaration.all_declared(paths):
        if other.ident == decl.ident:
            continue
        f, d = declaration.owned(other, paths)
        files |= f
        folders += d
    # a territory's folder whose declaration was removed speaks for nobody
    own_folder = declaration.tables_folder(paths, decl.ident).resolve()
    base = (paths.raw / "territoire")
    if base.is_dir():
        folders += [p.resolve() for p in base.iterdir() if p.is_dir() and p.resolve() != own_folder]
    mine = {p.resolve() for p, _ in decl.tables.values()}
    return Scope(decl, files - mine, tuple(dict.fromkeys(folders)))


def discover(raw_dir: Path, root: Path, scope: Scope | None = None) -> list[RawFile]:
    """Raw files described by a ``.meta.yml`` with a ``format`` key, sorted by path; with a ``scope``, those
    that speak for its territory, its tables read with the format its declaration gives them."""
    scope = scope or Scope()
    tables = {} if scope.decl is None else {p.resolve(): fmt for p, fmt in scope.decl.tables.values()}
    files, problems = [], []
    for meta_path in sorted(raw_dir.rglob("*.meta.yml")):
        data_path = meta_path.with_name(meta_path.name[: -len(".meta.yml")])
        if scope.excludes(data_path):  # another territory's: not read, not checked (it may be being written)
            continue
        shown = display_path(meta_path, root)
        try:
            meta = safe_load(meta_path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(Problem(shown, "YAML illisible", line=(mark.line + 1) if mark else None))
            continue
        if not data_path.exists():
            problems.append(Problem(shown, f"fichier décrit introuvable : {data_path.name}"))
            continue
        if meta.get("nature", "observed") not in ("observed", "estimated", "demonstration"):
            problems.append(Problem(shown, "nature inconnue (observed, estimated ou demonstration)",
                                    column="nature", value=meta.get("nature")))
        fmt = tables.pop(data_path.resolve(), None)
        if fmt is not None and meta.get("format") != fmt:
            meta = {**meta, "format": fmt}
        if meta.get("format"):
            files.append(RawFile(data_path, meta, display_path(data_path, root)))
    for path, fmt in tables.items():
        shown = display_path(path, root)
        problems.append(Problem(display_path(scope.decl.path, root), f"table déclarée introuvable ou sans "
                                f"métadonnées : {shown} (format « {fmt} »)", column="tables", value=shown))
    files = _drop_replaced(files, problems, root)
    for data_path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        if data_path.name.endswith(".meta.yml") or data_path.name.startswith(("README", ".")):
            continue
        if scope.excludes(data_path):
            continue
        if not data_path.with_name(data_path.name + ".meta.yml").exists():
            problems.append(Problem(display_path(data_path, root),
                                    "métadonnées absentes : créez le fichier "
                                    f"{data_path.name}.meta.yml (title, producer, licence, years, nature, format)"))
    if problems:
        raise InputDataError(problems)
    return files



def _drop_replaced(files: list[RawFile], problems: list[Problem], root: Path) -> list[RawFile]:
    """Files named by another file's ``replaces:`` (a newer vintage of the same data, in the same
    folder) are kept in data/raw, untouched, but no longer read."""
    replaced = set()
    for f in files:
        for name in replaced_names(f.meta):
            old = f.path.with_name(name)
            if not old.exists():
                problems.append(Problem(display_path(f.path, root) + ".meta.yml",
                                        "le fichier remplacé (replaces) est introuvable dans le même dossier",
                                        column="replaces", value=str(name)))
            replaced.add(old)
    return [f for f in files if f.path not in replaced]


def territory_of(files: list[RawFile], scope: Scope | None = None) -> Territory:
    """The territory of the commune and EPCI tables among ``files`` (one of each), named by the declaration of
    ``scope`` (else by the territory in use)."""
    scope = scope or Scope()
    communes = [f for f in files if f.meta["format"] == "communes"]
    if len(communes) != 1:
        where = ("dans data/raw" if scope.decl is None else
                 f"pour le territoire « {scope.decl.ident} » (table « communes » de {scope.decl.path.name})")
        raise ConfigurationError(f"il faut exactement un fichier de format « communes » {where} "
                                 f"(trouvé : {len(communes)} : {', '.join(f.display for f in communes) or 'aucun'})")
    epci = [f for f in files if f.meta["format"] == "epci"]
    names = read_epci(epci[0].path, epci[0].display) if epci else None
    table = read_communes(communes[0].path, communes[0].display)
    if names is not None:
        # Every commune's EPCI must be one of the territory's, named where it is written.
        known = set(names["epci_siren"])
        bad = table.loc[~table["epci_siren"].isin(known)]
        if len(bad):
            raise InputDataError([Problem(communes[0].display, "EPCI inconnu du territoire (EPCI admis : "
                                          + ", ".join(f"{r.epci_siren} {r.epci_sigle}" for r in names.itertuples())
                                          + f", d'après {epci[0].display})", line=int(r.line), column="epci_siren",
                                          value=r.epci_siren) for r in bad.head(50).itertuples()])
    return Territory.from_communes(table, names, scope.whole)



def outside(df: pd.DataFrame, code_col: str, level_col: str | None, territory: Territory, f: RawFile,
             problems: list[Problem], label: str, report: BuildReport) -> pd.DataFrame:
    """Rows whose code is outside the territory: an error, unless the file is a producer's file read at
    any extent (:func:`pma_eval.sources.registry.wide`) or says ``extent: plus_large`` — then they are left out
    and counted in ``report.extent``."""
    communes = set(territory.communes["code_insee"])
    epcis = set(territory.epcis["epci_siren"])
    if level_col is None:
        inside = df[code_col].isin(communes)
    else:
        inside = np.where(df[level_col] == "epci", df[code_col].isin(epcis), df[code_col].isin(communes))
        inside = pd.Series(inside, index=df.index)
    if inside.all():
        return df
    if wide(f.meta["format"]) or (f.meta.get("options") or {}).get("extent") == "plus_large":
        entry = report.extent.setdefault(f.display, {"hors_territoire": None, "sans_commune": None})
        before = entry["hors_territoire"] or {"rows": 0, "communes": 0}
        # Lines of the file (a long frame such as the IGT's has several rows per line).
        rows = int(df.loc[~inside, "line"].nunique()) if "line" in df else int((~inside).sum())
        entry["hors_territoire"] = {"rows": before["rows"] + rows,
                                    "communes": before["communes"] + int(df.loc[~inside, code_col].nunique())}
        return df.loc[inside]
    bad = df.loc[~inside]
    for _, row in bad.head(50).iterrows():
        problems.append(Problem(f.display, f"code hors du territoire ({territory.whole.name}) : indiquez « extent: "
                                "plus_large » dans les options des métadonnées pour un fichier départemental ou "
                                "national",
                                line=int(row["line"]) if "line" in row and not pd.isna(row["line"]) else None,
                                column=label, value=row[code_col]))
    return df.loc[inside]

