"""The ``pma-eval`` command (messages and help in French)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .config import get_paths
from .errors import ConfigurationError, PmaEvalError

# argparse writes its own words through gettext; give them in French.
_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "expected one argument": "une valeur attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (choix : %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s": "option ambiguë : %(option)s (%(matches)s)",
    "one of the arguments %s is required": "un de ces arguments est obligatoire : %s",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}
argparse._ = lambda text: _FR.get(text, text)  # type: ignore[attr-defined]


def _print(msg: str) -> None:
    print(msg, flush=True)


def _paths(args: argparse.Namespace | None = None):
    """The folders of the territory a command works on: ``--territoire`` (a declared id, or an EPCI SIREN or short
    name of one declaration), else ``$PMA_EVAL_TERRITOIRE``, else the default territory. The choice is put in the
    environment, so that everything the command calls works on the same territory; an undeclared territory is
    refused at once (exit 2)."""
    from .config import TERRITORY_ENV
    from .declaration import in_use, resolve_id

    value = getattr(args, "territoire_id", None)
    if value:
        os.environ[TERRITORY_ENV] = resolve_id(get_paths(), value)
    paths = get_paths()
    in_use(paths)
    return paths


def _names():
    """The names of the territory in use for help texts (generic words if its declaration cannot be read)."""
    from .declaration import whole_in_use

    try:
        return whole_in_use()
    except PmaEvalError:
        return None


def _territory_help(names, what: str = "") -> str:
    if names is None:
        return "le territoire (son code) ou l'un de ses EPCI (sigle ou SIREN)"
    epcis = ""
    try:
        from .declaration import in_use

        decl = in_use(get_paths())
        epcis = ", ".join(e["nom_court"] for e in decl.epcis) if decl is not None and len(decl.epcis) > 1 else ""
    except PmaEvalError:
        pass
    return (f"{names.code}{' ou ' + epcis if epcis else ''}, ou le SIREN d'un EPCI (défaut : {names.code}), ou un "
            f"autre territoire déclaré (son identifiant, le tout) ou l'un de ses EPCI{what}")


def cmd_data_build(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    paths = _paths(args)  # an undeclared territory is refused before pandas is imported
    from .coverage import render_text, summary_line
    from .assemble import build
    from .processed import load

    manifest_path, report = build(paths)
    for w in report.warnings:
        _print(f"avertissement : {w}")
    for n in report.precedence:
        _print(f"priorité aux données réelles — {n}")
    for n in report.notes:
        _print(f"note : {n}")
    _print(f"Données construites en {time.perf_counter() - t0:.1f} s ({_names().name if _names() else paths.territory}) "
           f": {manifest_path.parent}")
    coverage = load("coverage", paths)
    _print("")
    _print(render_text(coverage))
    _print("")
    _print(summary_line(coverage))
    return 0


def _build_hint(args: argparse.Namespace, paths) -> str:
    """« pma-eval data build », with the territory when the command named one."""
    return "pma-eval data build" + (f" --territoire {paths.territory}" if getattr(args, "territoire_id", None) else "")


def cmd_data_add(args: argparse.Namespace) -> int:
    paths = _paths(args)  # an undeclared territory is refused before pandas is imported
    from .acquire import add

    result = add(args.fichier, paths, snapshot_year=args.annee_instantane, inventory_year=args.annee_inventaire,
                 extent=args.etendue, replaces=args.remplace, fmt=args.format,
                 publication_year=args.annee_publication)
    shown = result.path.relative_to(paths.root) if result.path.is_relative_to(paths.root) else result.path
    years = f"{result.years[0]}–{result.years[-1]}" if len(result.years) > 1 else str(result.years[0])
    if not result.new:
        _print(f"Déjà présent, rien à faire : {shown}")
        return 0
    _print(f"Ajouté : {shown} ({result.layout.label} ; années {years} ; "
           "nature observée)")
    if result.published:
        _print(f"  publié en {result.published[0]} ({result.published[1]}) : aucune année observée après")
    if result.layout.format == "inventaire":
        _print(f"  complétez producer et licence dans {shown}.meta.yml : ceux de la publication d'où viennent "
               "les chiffres")
    if result.outside_rows:
        names = _names()
        _print(f"  {result.outside_rows} ligne(s) hors du territoire{' (' + names.name + ')' if names else ''} seront "
               "laissées de côté à la construction")
    if result.extent:
        from .sources.layouts import EXTENTS

        _print(f"  étendue : {result.extent}, le fichier parle pour {EXTENTS[result.extent]} ; les autres communes "
               "gardent leurs valeurs")
        _print(f"Lancez « {_build_hint(args, paths)} » : ses valeurs observées remplacent celles de démonstration de "
               "ces communes, pour les années du fichier.")
    elif result.layout.theme == "comparaisons":  # a département, the region or France: never the territory's values
        _print(f"Lancez « {_build_hint(args, paths)} » : ce fichier donne un niveau de comparaison (département, "
               "région ou France), avec sa note de portée ; il n'est jamais additionné aux valeurs du territoire.")
    else:
        _print(f"Lancez « {_build_hint(args, paths)} » : les valeurs observées remplacent les valeurs de démonstration "
               "qu'elles couvrent (même commune, même année, même énergie).")
    return 0


def cmd_data_retire(args: argparse.Namespace) -> int:
    paths = _paths(args)
    from .acquire import retire

    removed = retire(args.fichier, paths)
    shown = removed.relative_to(paths.root) if removed.is_relative_to(paths.root) else removed
    _print(f"Retiré : {shown} et ses métadonnées (noté dans data/journal_des_donnees.log). Lancez « "
           f"{_build_hint(args, paths)} » pour reconstruire les données sans lui.")
    return 0


def cmd_data_fetch(args: argparse.Namespace) -> int:
    paths = _paths(args)
    from .publish.indicator_export import parse_years
    from .portals import fetch

    sources = args.sources or ["ore", "odre"]
    unknown = [x for x in sources if x not in ("ore", "odre")]
    if unknown:
        raise ConfigurationError(f"source inconnue : {', '.join(unknown)} (choix : ore, odre)")
    years = parse_years(args.annees) or list(range(2011, time.localtime().tm_year))
    files = fetch(sources, years, paths, echo=_print)
    _print(f"{len(files)} fichier(s) dans data/raw. Lancez « {_build_hint(args, paths)} » pour les prendre en compte.")
    return 0


def cmd_data_status(args: argparse.Namespace) -> int:
    paths = _paths(args)
    from .coverage import render_extent, render_parts, render_plausibility, render_text
    from .indicators import load_catalogue
    from .processed import load, load_territory, manifest

    if not (paths.processed / "manifest.json").is_file():
        raise ConfigurationError(f"données non construites ({paths.processed}) : lancez d'abord « pma-eval data build"
                                 + (f" --territoire {paths.territory}" if getattr(args, "territoire_id", None) else "")
                                 + " »")
    m = manifest(paths)
    _print(render_text(load("coverage", paths)))
    implausible = render_plausibility(m.get("plausibility") or [], load_territory(paths), load_catalogue())
    if implausible:
        _print("")
        _print(implausible)
    parts = render_parts(m.get("parts") or [], load_territory(paths))
    if parts:
        _print("")
        _print(parts)
    extent = render_extent(m.get("extent") or {})
    if extent:
        _print("")
        _print(extent)
    return 0


def cmd_data_demo(args: argparse.Namespace) -> int:
    paths = _paths(args)
    from . import demonstration
    from .config import DEFAULT_TERRITORY
    from .declaration import tables_folder

    default = paths.territory == DEFAULT_TERRITORY
    out = Path(args.out) if args.out else (paths.raw / "demonstration" if default
                                           else tables_folder(paths, paths.territory) / "demonstration")
    if out.exists() and any(out.iterdir()) and not args.force:
        _print(f"le dossier {out} n'est pas vide : ajoutez --force pour régénérer les séries de démonstration")
        return 2
    from .declaration import in_use

    inputs = None if in_use(paths) is None else demonstration.inputs_of(paths)  # no declarations: data/raw's project
    written = demonstration.write(paths.raw, out, seed=args.seed, inputs=inputs)
    _print(f"{len(written)} fichiers de démonstration écrits dans {out}")
    if not args.out and default:
        from .activity.example import write_example

        ex = write_example(paths.raw / "activite")
        _print(f"{len(ex)} registres d'activité fictifs écrits dans {paths.raw / 'activite'}")
    return 0


def cmd_data_template(args: argparse.Namespace) -> int:
    from .activity.example import write_templates
    from .sources.heat import write_template as write_heat_template
    from .sources.inventory import write_template
    from .sources.sequestration import write_template as write_aldo_template

    for p in (write_template(args.out) + write_aldo_template(args.out) + write_heat_template(args.out)
              + write_templates(Path(args.out) / "activite")):
        _print(str(p))
    return 0


def cmd_indicators_export(args: argparse.Namespace) -> int:
    paths = _paths(args)
    from .processed import load, load_territory
    from .indicators import load_catalogue
    from .publish.indicator_export import export, parse_years, select

    cat = load_catalogue()
    ids = [i.strip() for i in args.indicateurs.split(",")] if args.indicateurs else None
    if args.theme:
        themed = [i.id for i in cat if i.theme == args.theme]
        if not themed:
            _print(f"thème inconnu : {args.theme} (thèmes : {', '.join(cat.themes)})")
            return 2
        ids = [i for i in (ids or themed) if i in themed]
    levels = [lv.strip() for lv in args.niveaux.split(",")] if args.niveaux else None
    import pandas as pd

    from .comparisons import comparison_indicator_rows

    territory = load_territory(paths)
    ind = load("indicators", paths)
    # the comparison levels (département, region, France), each with its scope note; the region's other EPCIs
    # stay in the yearly export (pma-eval run), so that --niveaux epci means the territory's own EPCIs
    extra = comparison_indicator_rows(paths, territory)
    if extra is not None:
        ind = pd.concat([ind, extra.loc[extra["geo_level"] != "epci"]], ignore_index=True)
    table = select(ind, cat, parse_years(args.annees), levels, ids)
    out = export(table, cat, territory, args.out)
    _print(f"{len(table)} valeurs exportées : {out}")
    return 0


def _year(year: int | None) -> int:
    """The requested year checked against the data (exit 2 before any kernel starts), or the latest."""
    from .processed import checked_year

    return checked_year(year, get_paths())


#: What ``--territoire`` accepts for reports and visuals: the whole territory or one of its EPCIs (a commune has its
#: fiche).
REPORT_LEVELS = ("pma", "epci")


def _report_target(args: argparse.Namespace):
    """The territory a report or the visuals are for, from ``--territoire``: the whole territory in use (its code)
    or one of its EPCIs (short name or SIREN), else another declared territory — its id or its code for the whole of
    it, or one of its EPCIs —, which becomes the territory in use (its folders, put in the environment as
    :func:`_paths` does). Refused at once (exit 2) when no report is made for it (a commune has its fiche) or it is
    declared nowhere, with the nearest names, before any build or notebook (and, but for a commune code, before
    pandas is imported: under a second).

    Returns the territory's paths and the report's territory code (``PMA``, ``CALL``, ``CADA``…)."""
    import re

    from .config import TERRITORY_ENV
    from .declaration import declared_ids, in_use, resolve_id, whole_in_use

    paths = _paths(args)
    value = str(args.territoire or whole_in_use(paths).code).strip()
    decl = in_use(paths)
    if decl is not None:
        key = value.upper()
        mine = {decl.code, decl.short.upper()} | {str(e.get("nom_court", "")).upper() for e in decl.epcis} | {
            str(e.get("siren")) for e in decl.epcis}
        if value.lower() == decl.ident:
            return paths, decl.code
        if key not in mine and not re.fullmatch(r"\d[\dAB]\d{3}", key):  # not this territory's, nor a commune
            try:
                ident = resolve_id(paths, value)
            except ConfigurationError:
                import difflib

                whole = whole_in_use(paths)
                admitted = [decl.code, *(f"{e['nom_court']} (ou son SIREN)" for e in
                                         sorted(decl.epcis, key=lambda e: str(e["nom_court"])))]
                others = [i for i in declared_ids(paths) if i != decl.ident]
                near = difflib.get_close_matches(value.lower(), [*others, *(a.split(" ")[0].lower() for a in admitted)],
                                                 n=3, cutoff=0.5)
                raise ConfigurationError(
                    f"territoire inconnu : « {value} » ; valeurs admises ici : {', '.join(admitted)}, un code INSEE de "
                    f"commune {whole.of}{' ; ou un autre territoire déclaré : ' + ', '.join(others) if others else ''}"
                    f"{' ; les plus proches : ' + ', '.join(n if n in others else n.upper() for n in near) if near else ''}"
                ) from None
            os.environ[TERRITORY_ENV] = ident
            paths = get_paths()
            if value.lower() == ident:  # a declared id: the whole of it
                return paths, whole_in_use(paths).code
    from .acquire import territory_communes
    from .territory import Territory

    Territory.from_communes(territory_communes(paths), whole=whole_in_use(paths)).resolve(value, REPORT_LEVELS)
    return paths, value.upper()


def cmd_report_annual(args: argparse.Namespace) -> int:
    paths, sigle = _report_target(args)
    from .processed import load_territory
    from .publish import run_report

    year = _year(args.year)
    territory = load_territory(paths)
    level, code = territory.resolve(sigle, REPORT_LEVELS)
    name = territory.name(level, code)
    extra = dict(p.split("=", 1) for p in (args.param or []))
    params = {"year": int(year), "territoire": sigle, **extra}
    t0 = time.perf_counter()
    result = run_report("annual", params, f"Rapport annuel d'évaluation {year} — {name}", paths)
    _print(f"Rapport annuel {year} — {name} ({time.perf_counter() - t0:.1f} s)")
    _print(f"HTML : {result.html}")
    _print(f"PDF  : {result.pdf}")
    return 0


def cmd_report_scenarios(args: argparse.Namespace) -> int:
    paths, sigle = _report_target(args)
    extra = dict(p.split("=", 1) for p in (args.param or []))
    t0 = time.perf_counter()
    from .publish.scenarios import scenario_report

    result = scenario_report(args.year, sigle, args.scenarios, args.horizon, args.tirages, args.graine,
                             paths, extra)
    _print(f"Rapport de prospective — {sigle} ({time.perf_counter() - t0:.1f} s)")
    _print(f"HTML : {result.html}")
    _print(f"PDF  : {result.pdf}")
    _print(f"IAMC : {result.folder / 'scenarios_iamc.csv'} (et .xlsx)")
    return 0


def cmd_fiches(args: argparse.Namespace) -> int:
    paths = _paths(args)
    from .publish.epci import write_syntheses
    from .publish.fiches import write_fiches

    year = _year(args.year)
    only = [c.strip() for c in args.communes.split(",") if c.strip()] if args.communes else None
    t0 = time.perf_counter()
    folder = write_fiches(year, paths, processes=args.processus, only=only)
    n = len(list(folder.glob("*.pdf")))
    _print(f"{n} fiches communales (HTML et PDF) en {time.perf_counter() - t0:.1f} s : {folder}")
    from .declaration import whole_in_use

    if whole_in_use(paths).epcis == 1 and not args.sans_epci:  # its EPCI is the whole: no synthesis of one row
        _print("Territoire d'un seul EPCI : pas de synthèse des agglomérations (son rapport annuel en tient lieu)")
    elif not args.sans_epci:
        t1 = time.perf_counter()
        epci = write_syntheses(year, paths)
        _print(f"Synthèses des agglomérations en {time.perf_counter() - t1:.1f} s : {epci}")
    return 0


def cmd_visuels(args: argparse.Namespace) -> int:
    paths, sigle = _report_target(args)
    from .publish.visuals import write_visuals

    year = _year(args.year)
    folder = write_visuals(year, sigle, paths)
    _print(f"Visuels {year} : {folder}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    t0 = time.perf_counter()
    if args.processus is not None and args.processus < 1:
        raise ConfigurationError(f"--processus doit valoir au moins 1 (valeur lue : {args.processus})")
    paths = _paths(args)  # an undeclared territory is refused before pandas is imported
    from .publish.run import run_year

    try:
        code = run_year(args.year, paths, echo=_print, fiches=not args.sans_fiches, workers=args.processus,
                        rebuild=args.reconstruire)
    except ConfigurationError as exc:
        from .config import DEFAULT_TERRITORY
        from .declaration import tables_folder

        demo = tables_folder(paths, paths.territory) / "demonstration"
        if ("absente des données" in str(exc) and paths.territory != DEFAULT_TERRITORY
                and not (demo.is_dir() and any(demo.iterdir()))):  # a territory just declared: its observed years only
            raise ConfigurationError(
                f"{exc}. Le territoire n'a encore que ses années observées : écrivez ses séries de démonstration "
                f"(fictives, marquées comme telles) avec « pma-eval data demo --territoire {paths.territory} », puis "
                "relancez") from None
        raise
    _print(f"Exécution terminée en {time.perf_counter() - t0:.0f} s ({'succès' if code == 0 else 'avec des échecs'})")
    return code


def cmd_lot(args: argparse.Namespace) -> int:
    from .declaration import resolve_id

    paths = get_paths()
    index_folder = None
    if args.region:
        from .publish.lot import declare_region

        t0 = time.perf_counter()
        paths, idents, made = declare_region(paths, args.region, echo=_print, limit=args.limite)
        _print(f"Région {args.region} : {len(idents)} EPCI déclarés dans {paths.root} ({made} nouveaux) en "
               f"{time.perf_counter() - t0:.0f} s")
        name = args.nom or f"region-{args.region}"
        index_folder = paths.root
    else:
        idents = [i.strip() for i in args.territoires.split(",") if i.strip()]
        for i in idents:  # refused at once (exit 2), with the nearest names, before any work
            resolve_id(paths, i)
        name = args.nom or "-".join(idents)[:60]
    if args.processus is not None and args.processus < 1:
        raise ConfigurationError(f"--processus doit valoir au moins 1 (valeur lue : {args.processus})")
    from .publish.lot import run_lot

    code, index = run_lot(idents, args.year, paths, name=name, echo=_print, workers=args.processus,
                          fiches=args.avec_fiches, scenarios=args.avec_prospective, demo=bool(args.region),
                          index_folder=index_folder)
    _print(f"index du lot : {index}")
    return code


def cmd_verify(args: argparse.Namespace) -> int:
    paths = _paths(args)
    from .publish.run import verify

    return verify(args.manifeste, paths, echo=_print)


def cmd_territoire_creer(args: argparse.Namespace) -> int:
    from .declaration import check, create
    from .fmt import number

    paths = get_paths()
    check(paths, args.id, args.epci or [], args.communes, args.nature)  # refused at once, before any reading
    t0 = time.perf_counter()
    made = create(paths, args.id, args.nom, args.epci, args.communes, args.nom_court, args.nature)
    d = made.decl
    _print(f"Territoire « {d['nom']} » ({d['id']}) déclaré en {time.perf_counter() - t0:.1f} s : "
           f"{made.declaration.relative_to(paths.root)}")
    deps = ("départements " if len(d["departements"]) > 1 else "département ") + ", ".join(d["departements"])
    _print(f"  {d['communes']} communes, {len(d['epci'])} EPCI ({', '.join(e['nom_court'] for e in d['epci'])}), "
           f"{deps} ; population municipale {d['population']['millesime']} : "
           f"{number(d['population']['population_municipale'])} habitants")
    _print(f"  tables : {made.folder.relative_to(paths.root)}/ (communes, EPCI, populations par millésime, contours)")
    if made.tables.missing_geometry:
        _print(f"  communes sans contour dans le référentiel : {', '.join(made.tables.missing_geometry)}")
    _print(f"Construisez ses données : « pma-eval data build --territoire {d['id']} » (séries de démonstration : "
           f"« pma-eval data demo --territoire {d['id']} »), puis ses produits de l'année : « pma-eval run "
           f"--territoire {d['id']} »")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .config import DEFAULT_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED

    names = _names()
    parser = argparse.ArgumentParser(
        prog="pma-eval",
        description="Atelier d'évaluation et de prospective de l'écotransition des territoires"
                    + (f" ; territoire par défaut : {names.name} ({names.code})." if names else "."),
    )
    territory_help = _territory_help(names)

    def territory_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--territoire", dest="territoire_id", metavar="ID",
                       help="territoire déclaré dans territoires/<id>.yml (son identifiant, ou le SIREN ou le sigle "
                            "de l'un de ses EPCI) ; défaut : PMA_EVAL_TERRITOIRE, sinon le territoire par défaut")
    sub = parser.add_subparsers(dest="command", metavar="commande")
    sub.required = True

    data = sub.add_parser("data", help="données : construction, démonstration, modèles")
    dsub = data.add_subparsers(dest="data_command", metavar="action")
    dsub.required = True
    b = dsub.add_parser("build", help="construire data/processed à partir de data/raw (validation comprise)")
    territory_option(b)
    b.set_defaults(func=cmd_data_build)
    d = dsub.add_parser("demo", help="écrire les séries de démonstration du territoire (fictives, calées sur "
                                     "l'inventaire observé de sa région)")
    d.add_argument("--out", help="dossier de sortie (défaut : data/raw/demonstration pour le territoire par défaut, "
                                 "data/raw/territoire/<id>/demonstration pour un autre)")
    d.add_argument("--seed", type=int, default=20240601, help="graine aléatoire")
    d.add_argument("--force", action="store_true", help="écraser les fichiers existants")
    territory_option(d)
    d.set_defaults(func=cmd_data_demo)
    ad = dsub.add_parser("add", help="ajouter un fichier téléchargé (Agence ORE, SDES, ODRÉ, CITEPA) dans data/raw, "
                                     "tel quel, avec ses métadonnées")
    ad.add_argument("fichier", help="fichier CSV tel que publié par le producteur")
    ad.add_argument("--annee-instantane", type=int, metavar="AAAA",
                    help="année de l'instantané du registre ODRÉ (défaut : lue dans un nom en -3112AA)")
    ad.add_argument("--annee-inventaire", type=int, metavar="AAAA", help="année de l'inventaire IGT du CITEPA")
    ad.add_argument("--annee-publication", type=int, metavar="AAAA",
                    help="année de publication du fichier : une année observée postérieure est refusée (défaut : lue "
                         "dans un nom publié qui la porte, sinon non vérifiée)")
    ad.add_argument("--format", choices=["inventaire"],
                    help="inventaire : le modèle d'inventaire de l'atelier rempli (pma-eval data modele), pour des "
                         "chiffres d'Atmo Hauts-de-France ou de l'observatoire régional")
    ad.add_argument("--remplace", metavar="ANCIEN",
                    help="nom d'un fichier observé du même dossier que le nouveau remplace (version plus récente) : "
                         "l'ancien reste dans data/raw mais n'est plus lu")
    ad.add_argument("--etendue", choices=["communes", "epci", "departement"],
                    help="ce que couvre un registre téléchargé (ODRÉ) : ses seules communes, leurs agglomérations "
                         "entières ou des départements entiers (déduit du fichier quand il couvre des départements)")
    territory_option(ad)
    ad.set_defaults(func=cmd_data_add)
    rt = dsub.add_parser("retire", help="retirer de data/raw un fichier ajouté par erreur, avec ses métadonnées "
                                        "(noté dans data/journal_des_donnees.log)")
    rt.add_argument("fichier", help="chemin du fichier dans data/raw")
    territory_option(rt)
    rt.set_defaults(func=cmd_data_retire)
    fe = dsub.add_parser("fetch", help="télécharger depuis les portails de l'Agence ORE et d'ODRÉ, filtré sur le "
                                       "territoire, et ajouter dans data/raw")
    # no argparse choices: with nargs="*", Python 3.11 checks the empty default against them and refuses
    # « data fetch --annees 2020 » (checked in cmd_data_fetch instead)
    fe.add_argument("sources", nargs="*", metavar="source", help="ore, odre ou les deux (défaut : les deux)")
    fe.add_argument("--annees", help="années, par exemple 2019-2023 (défaut : de 2011 à l'an dernier)")
    territory_option(fe)
    fe.set_defaults(func=cmd_data_fetch)
    st = dsub.add_parser("etat", help="couverture des données : thème × niveau × année, nature de chaque valeur, "
                                      "ce qui manque et quel téléchargement le comblerait")
    territory_option(st)
    st.set_defaults(func=cmd_data_status)
    t = dsub.add_parser("modele", help="écrire les modèles à remplir (inventaire, séquestration ALDO, registres d'activité) "
                                           "dans un dossier")
    t.add_argument("--out", required=True, help="dossier de sortie")
    t.set_defaults(func=cmd_data_template)

    ind = sub.add_parser("indicators", help="indicateurs : export CSV ou XLSX")
    isub = ind.add_subparsers(dest="indicators_command", metavar="action")
    isub.required = True
    e = isub.add_parser("export", help="exporter les indicateurs (CSV ou XLSX selon l'extension)")
    e.add_argument("--out", required=True, help="fichier de sortie (.csv ou .xlsx)")
    e.add_argument("--annees", help="années, par exemple 2016,2020-2023 (défaut : toutes)")
    e.add_argument("--niveaux", help="niveaux géographiques : commune, epci, pma (défaut : tous)")
    e.add_argument("--indicateurs", help="identifiants d'indicateurs séparés par des virgules (défaut : tous)")
    e.add_argument("--theme", help="un thème du catalogue : contexte, emissions, energie, enr")
    territory_option(e)
    e.set_defaults(func=cmd_indicators_export)

    report = sub.add_parser("report", help="produire un rapport (HTML et PDF)")
    rsub = report.add_subparsers(dest="report_command", metavar="rapport")
    rsub.required = True
    a = rsub.add_parser("annual", help="rapport annuel d'évaluation")
    a.add_argument("--year", type=int, help="année évaluée (défaut : dernière année disponible)")
    a.add_argument("--territoire", default=names.code if names else get_paths().territory.upper(), help=territory_help)
    a.add_argument("--param", action="append", metavar="NOM=VALEUR",
                   help="paramètre supplémentaire du carnet (refusé s'il n'est pas déclaré)")
    a.set_defaults(func=cmd_report_annual)
    sc = rsub.add_parser("scenarios", help="rapport de prospective : trajectoire de référence, scénarios, effort")
    sc.add_argument("--year", type=int, help="année de départ (défaut : dernière année avec énergie et émissions)")
    sc.add_argument("--territoire", default=names.code if names else get_paths().territory.upper(), help=territory_help)
    sc.add_argument("--scenarios", default=None,
                    help="scénarios, séparés par des virgules (défaut : tendanciel, la stratégie du territoire s'il en "
                         "a une, snbc)")
    sc.add_argument("--horizon", type=int, default=DEFAULT_HORIZON,
                    help=f"dernière année projetée (défaut : {DEFAULT_HORIZON})")
    sc.add_argument("--tirages", type=int, default=DEFAULT_DRAWS, help="nombre de tirages Monte-Carlo (défaut : 10 000)")
    sc.add_argument("--graine", type=int, default=DEFAULT_SEED, help=f"graine aléatoire (défaut : {DEFAULT_SEED})")
    sc.add_argument("--param", action="append", metavar="NOM=VALEUR",
                    help="paramètre supplémentaire du carnet (refusé s'il n'est pas déclaré)")
    sc.set_defaults(func=cmd_report_scenarios)
    f = sub.add_parser("fiches", help="fiches communales (une page A4 par commune) et synthèses des EPCI")
    f.add_argument("--year", type=int, help="année (défaut : dernière année disponible)")
    f.add_argument("--processus", type=int, default=None, help="nombre de processus parallèles (défaut : cœurs)")
    f.add_argument("--sans-epci", action="store_true", help="ne pas produire les synthèses des agglomérations")
    f.add_argument("--communes", metavar="CODES", help="codes INSEE séparés par des virgules (défaut : toutes les "
                                                       "communes du territoire)")
    territory_option(f)
    f.set_defaults(func=cmd_fiches)
    v = sub.add_parser("visuels", help="graphiques prêts à publier (PNG réseaux sociaux, SVG, lettre d'information)")
    v.add_argument("--year", type=int, help="année (défaut : dernière année disponible)")
    v.add_argument("--territoire", default=names.code if names else get_paths().territory.upper(), help=territory_help)
    v.set_defaults(func=cmd_visuels)
    r_ = sub.add_parser("run", help="tout pour une année : données, exports, rapports du territoire et de ses EPCI, "
                                    "fiches, visuels")
    r_.add_argument("--year", type=int, help="année (défaut : dernière année disponible)")
    r_.add_argument("--sans-fiches", action="store_true", help="ne pas produire les fiches et synthèses")
    r_.add_argument("--processus", type=int, metavar="N",
                    help="processus de travail en parallèle (défaut : un par cœur, ou PMA_EVAL_PROCESSUS)")
    r_.add_argument("--reconstruire", action="store_true",
                    help="reconstruire data/processed même si aucun fichier brut n'a changé depuis la dernière construction")
    territory_option(r_)
    r_.set_defaults(func=cmd_run)
    lot = sub.add_parser("lot", help="les produits de l'année de plusieurs territoires déclarés (ou de chaque EPCI "
                                     "d'une région), en processus parallèles, et leur index")
    which = lot.add_mutually_exclusive_group(required=True)
    which.add_argument("--territoires", metavar="ID,ID…", help="identifiants de territoires déclarés, séparés par des "
                                                                "virgules")
    which.add_argument("--region", metavar="CODE", help="code INSEE d'une région (32 : Hauts-de-France) : chacun de ses "
                                                        "EPCI est d'abord déclaré dans le dossier du lot, lots/region-"
                                                        "<code>/ (territoires/<id>.yml), avec ses séries de "
                                                        "démonstration")
    lot.add_argument("--year", type=int, help="année (défaut : dernière année disponible de chaque territoire)")
    lot.add_argument("--nom", help="nom du lot : son index va dans reports/lots/<nom>/ (défaut : les identifiants, "
                                   "ou region-<code>)")
    lot.add_argument("--processus", type=int, metavar="N",
                     help="processus de travail en parallèle, un territoire chacun (défaut : un par cœur)")
    lot.add_argument("--limite", type=int, metavar="N", help="avec --region : ses N premiers EPCI seulement (essai)")
    lot.add_argument("--avec-fiches", action="store_true", help="produire aussi les fiches communales")
    lot.add_argument("--avec-prospective", action="store_true", help="produire aussi le rapport de prospective")
    lot.set_defaults(func=cmd_lot)
    terr = sub.add_parser("territoire", help="territoires : déclarer un territoire à partir du référentiel national")
    tsub = terr.add_subparsers(dest="territoire_command", metavar="action")
    tsub.required = True
    tc = tsub.add_parser("creer", help="écrire territoires/<id>.yml et ses tables (communes, EPCI, populations, "
                                       "contours) à partir de data/reference/france")
    tc.add_argument("--id", required=True, help="identifiant du territoire (minuscules, chiffres, - ou _), par exemple douaisis")
    tc.add_argument("--nom", required=True, help="nom du territoire, par exemple « Douaisis Agglo »")
    tc.add_argument("--nom-court", help="nom court (défaut : sigle de l'EPCI, ou l'identifiant en majuscules)")
    tc.add_argument("--nature", choices=["pole_metropolitain", "epci", "petr", "syndicat", "departement", "groupement"],
                    help="nature du territoire (défaut : epci pour un EPCI entier, groupement sinon)")
    perimeter = tc.add_mutually_exclusive_group(required=True)
    perimeter.add_argument("--epci", action="append", metavar="SIREN",
                           help="SIREN d'un EPCI du territoire (à répéter pour chaque EPCI)")
    perimeter.add_argument("--communes", metavar="FICHIER", help="fichier CSV des codes INSEE des communes (colonne code_insee)")
    tc.set_defaults(func=cmd_territoire_creer)
    ver = sub.add_parser("verify", help="refaire un rapport à partir de son manifest.json et comparer les fichiers")
    ver.add_argument("manifeste", help="chemin de reports/<année>/<territoire>/manifest.json")
    territory_option(ver)
    ver.set_defaults(func=cmd_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Reports, fiches and visuals draw off screen; set here, where outputs are produced, so that
    # importing the package in an analyst's notebook leaves its matplotlib backend alone.
    os.environ.setdefault("MPLBACKEND", "Agg")
    from .collector import fewer_collections
    from .config import TERRITORY_ENV

    parser = build_parser()
    args = parser.parse_args(argv)
    before = os.environ.get(TERRITORY_ENV)  # --territoire sets it for the command only (_paths)
    try:
        with fewer_collections():  # the collector's pace of a command that produces files (pma_eval.collector)
            return args.func(args)
    except PmaEvalError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrompu", file=sys.stderr)
        return 130
    finally:
        if before is None:
            os.environ.pop(TERRITORY_ENV, None)
        else:
            os.environ[TERRITORY_ENV] = before


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
