"""The published layouts the workbench recognises from a file's header, declared once.

``pma-eval data add`` uses them to tell the producer, the theme folder of ``data/raw`` and
the reader of a downloaded file; a reader that meets an unknown header names them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputDataError, Problem
from ._table import normalise_name, read_any

ETALAB = "Licence Ouverte v2.0 (Etalab)"


@dataclass(frozen=True)
class Layout:
    """A published file layout: who publishes it, where it goes, which reader reads it."""

    id: str
    label: str
    producer: str
    theme: str
    format: str
    licence: str
    signature: frozenset[str]
    dataset: str = ""


#: What an area file (extent rule ``area`` of its format, :mod:`.registry`) speaks for: the ``etendue:`` of its ``.meta.yml`` (``data add
#: --etendue``). A commune the file does not speak for keeps its previous value and nature.
EXTENTS = {
    "communes": "les seules communes où il a des lignes",
    "epci": "toutes les communes des agglomérations où il a des lignes (une commune sans ligne n'a aucune installation)",
    "departement": "toutes les communes du territoire dans ses départements (une commune sans ligne n'a aucune "
                   "installation)",
}
#: Evidence that an area file is a département's download: rows for at least this share of the département's
#: communes (a register of the Pas-de-Calais lists installations in nearly all of its 890 communes).
DEPARTEMENT_EVIDENCE = 0.5


#: A signature column as a layout writes it (``conso_totale_mwh``), from its normalised form: to name it.
_WRITTEN: dict[str, str] = {}


def _sig(*cols: str) -> frozenset[str]:
    _WRITTEN.update({normalise_name(c): c for c in cols})
    return frozenset(normalise_name(c) for c in cols)


LAYOUTS: tuple[Layout, ...] = (
    Layout("ore_large_2011_2021", "Agence ORE 2011–2021, une ligne par opérateur × année × énergie (consoa, consor…)",
           "Agence ORE", "energie", "ore_conso", ETALAB,
           _sig("annee", "filiere", "consoa", "consor", "consot", "consoi"),
           "conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune"),
    Layout("ore_long_2022", "Agence ORE 2022 et après, une ligne par secteur (conso_totale_mwh, code_grand_secteur)",
           "Agence ORE", "energie", "ore_conso", ETALAB,
           _sig("annee", "filiere", "code_grand_secteur", "conso_totale_mwh"),
           "consommation-annuelle-d-electricite-et-gaz-par-commune"),
    # Heat networks (sources.heat_networks): labels row then codes row; the codes row is checked by the reader.
    Layout("sdes_iris_chaleur", "SDES, consommation et points de livraison de chaleur et de froid à la maille IRIS "
           "(deux lignes d'en-tête : libellés puis codes OPERATEUR, ANNEE, FILIERE, IRIS_CODE ou IRIS, "
           "CODE_GRAND_SECTEUR, CONSO, PDL)", "SDES (ministère de la Transition écologique)", "energie",
           "sdes_iris_chaleur", ETALAB,
           _sig("Code de l'IRIS - Code de la zone", "Code du grand secteur", "Consommation (en MWh)",
                "Nombre de points de livraison"),
           "donnees-de-consommation-et-de-points-de-livraison-d-energie-a-la-maille-iris-chaleur-et-froid"),
    Layout("sdes_local", "SDES, données locales de l'énergie (CONSO, PDL, CODE_GRAND_SECTEUR)",
           "SDES (ministère de la Transition écologique)", "energie", "ore_conso", ETALAB,
           _sig("annee", "filiere", "code_grand_secteur", "conso")),
    Layout("odre_registre", "ODRÉ, registre national des installations de production et de stockage d'électricité "
           "(export CSV ou API, champs en minuscules ou camelCase)", "ODRÉ (RTE, Enedis et gestionnaires de réseaux)",
           "renouvelables", "odre_registre", ETALAB,
           _sig("filiere", "puismaxinstallee", "codeinseecommune"),
           "registre-national-installation-production-stockage-electricite-agrege"),
    Layout("igt_citepa", "CITEPA, inventaire territorialisé des GES par commune (INSEE commune, Routier, Résidentiel…)",
           "CITEPA", "ges", "igt_citepa", ETALAB,
           _sig("INSEE commune", "Routier", "Résidentiel", "Tertiaire", "Agriculture")),
    # Biomethane injection sites (sources.heat.REGISTER_COLUMNS reads every release's columns).
    Layout("odre_biomethane_2023", "ODRÉ, points d'injection de biométhane en France, export 2023 (Code Commune "
           "Courant, Date de mise en service, Capacite de production (GWh/an))", "ODRÉ (GRDF, GRTgaz, Teréga)",
           "renouvelables", "odre_biomethane", ETALAB,
           _sig("Nom du site", "Code Commune Courant", "Date de mise en service", "Capacite de production (GWh/an)")),
    Layout("odre_biomethane_insee", "ODRÉ, points d'injection de biométhane en France, exports antérieurs (Code INSEE "
           "Commune, Code INSEE EPCI)", "ODRÉ (GRDF, GRTgaz, Teréga)", "renouvelables", "odre_biomethane", ETALAB,
           _sig("Code INSEE Commune", "Capacite de production (GWh/an)")),
    Layout("odre_biomethane_api", "ODRÉ, points d'injection de biométhane en France, champs de l'API (nom_du_projet, "
           "capacite_de_production_gwh_an)", "ODRÉ (GRDF, GRTgaz, Teréga)", "renouvelables", "odre_biomethane", ETALAB,
           _sig("nom_du_projet", "capacite_de_production_gwh_an")),
    # Daily temperatures (sources.weather.read_daily_temperature): the regional file and its departmental twin.
    Layout("odre_temperature_regionale", "ODRÉ, température quotidienne régionale (Date jj/mm/aa, Code INSEE région, "
           "TMin, TMax, TMoy en °C)", "ODRÉ (RTE, Météo-France)", "energie", "temperature_quotidienne", ETALAB,
           _sig("Date", "Code INSEE région", "TMoy (°C)"), "temperature-quotidienne-regionale"),
    Layout("odre_temperature_departementale", "ODRÉ, température quotidienne départementale (Date jj/mm/aa, Code INSEE "
           "département, TMin, TMax, TMoy en °C)", "ODRÉ (RTE, Météo-France)", "energie", "temperature_quotidienne",
           ETALAB, _sig("Date", "Code INSEE département", "TMoy (°C)"), "temperature-quotidienne-departementale"),
    # The SDES monthly file (sources.weather.read_climate_severity_index): labels row then codes row; recognised
    # from its codes (the labels depend on the series chosen, and copies re-encode them).
    Layout("sdes_indice_rigueur", "SDES, série mensuelle de l'indice de rigueur climatique de la France métropolitaine "
           "(une ligne de libellés puis une ligne de codes PERIODE, INDRIG…)", "SDES (ministère de la Transition "
           "écologique)", "referentiels", "sdes_indice_rigueur", ETALAB, _sig("PERIODE", "INDRIG")),
    # Comparison levels for energy and renewables (sources.levels): a département, the region, France. Never
    # summed into the territory; each level carries its scope note (réseau Enedis seulement, tous réseaux…).
    Layout("enedis_conso_departement", "Enedis, consommation électrique par secteur d'activité à la maille "
           "département (Nb sites, Conso totale par secteur en MWh ; réseau Enedis seulement)", "Enedis",
           "comparaisons", "enedis_conso_departement", ETALAB,
           _sig("Code département", "Nb sites Résidentiel", "Conso totale Résidentiel (MWh)"),
           "consommation-electrique-par-secteur-dactivite-departement"),
    Layout("enedis_prod_departement", "Enedis, production électrique par filière à la maille département "
           "(domaine_de_tension, energie_produite_annuelle_…_enedis_mwh ; réseau Enedis seulement)", "Enedis",
           "comparaisons", "enedis_prod_departement", ETALAB,
           _sig("code_departement", "domaine_de_tension", "energie_produite_annuelle_photovoltaique_enedis_mwh"),
           "production-electrique-par-filiere-a-la-maille-departement"),
    Layout("odre_enr_region", "ODRÉ, production annuelle d'électricité renouvelable par région (GWh par filière)",
           "ODRÉ (RTE, gestionnaires de réseaux)", "comparaisons", "odre_enr_region", ETALAB,
           _sig("Code INSEE région", "Production électrique renouvelable (GWh)"), "prod-region-annuelle-enr"),
    Layout("odre_parc_region", "ODRÉ, parc régional annuel de production éolien et solaire (MW)",
           "ODRÉ (RTE, gestionnaires de réseaux)", "comparaisons", "odre_parc_region", ETALAB,
           _sig("Code INSEE région", "Parc installé éolien (MW)", "Parc installé solaire (MW)"),
           "parc-regional-annuel-prod-eolien-solaire"),
    Layout("odre_conso_brute_regionale", "ODRÉ, consommation annuelle brute régionale (gaz en GWh PCS, électricité en "
           "GWh, statuts Définitif / Consolidé / Provisoire)", "ODRÉ (NaTran, Teréga, RTE)", "comparaisons",
           "odre_conso_brute", ETALAB, _sig("Code INSEE région", "Consommation brute électricité (GWh) - RTE"),
           "consommation-annuelle-brute-regionale"),
    Layout("odre_conso_brute_france", "ODRÉ, consommation annuelle brute de la France (électricité brute et corrigée "
           "du climat, gaz)", "ODRÉ (GRTgaz, Teréga, RTE)", "comparaisons", "odre_conso_brute", ETALAB,
           _sig("Consommation brute électricité (GWh) - RTE", "Consommation corrigée électricité (GWh) - RTE"),
           "consommation-annuelle-brute"),
)


#: The project's own inventory template (``pma-eval data modele``): figures a user enters from Atmo Hauts-de-France
#: or the regional observatory. Recognised from its header like a producer's layout; who produced the figures is
#: in each row's ``source`` and goes into the metadata when the file is added (``data add --format inventaire``).
TEMPLATE = Layout("inventaire_modele", "modèle d'inventaire de l'atelier (territoire, annee, secteur, energie_ou_gaz, "
                  "valeur, unite, source)", "saisie dans le modèle d'inventaire", "inventaires", "inventaire",
                  "celle du producteur des chiffres saisis (colonne source)",
                  _sig("territoire", "annee", "secteur", "energie_ou_gaz", "valeur", "unite", "source"))


def known_layouts_text() -> str:
    return " ; ".join(f"{lay.label}" for lay in LAYOUTS)


def unknown_layout(name: str, columns) -> InputDataError:
    """Every column read, the nearest layout and the columns it misses (a renamed column, say)."""
    read = [str(c) for c in columns if not str(c).startswith("_")]
    have = {normalise_name(c) for c in read}
    nearest = max((*LAYOUTS, TEMPLATE), key=lambda lay: len(lay.signature & have) / len(lay.signature))
    hint = ""
    if nearest is TEMPLATE and TEMPLATE.signature <= have:
        hint = " C'est le modèle d'inventaire de l'atelier : ajoutez-le avec --format inventaire."
    elif nearest.signature & have:
        missing = sorted(_WRITTEN.get(c, c) for c in nearest.signature - have)
        hint = (f" Le plus proche : {nearest.label} ; il y manque la colonne{'s' * (len(missing) > 1)} "
                f"{', '.join(missing)} (colonne renommée ?).")
    return InputDataError([Problem(name, "disposition de fichier inconnue : l'en-tête ne correspond à aucun format "
                                   f"publié que l'atelier sait lire.{hint} Colonnes lues ({len(read)}) : "
                                   f"{', '.join(read)}. Formats connus : {known_layouts_text()} ; et le "
                                   f"{TEMPLATE.label} : pma-eval data add FICHIER --format inventaire",
                                   line=1)])


def detect(columns, fmt: str | None = None) -> Layout | None:
    """The first layout (of format ``fmt`` if given) whose signature the header carries."""
    have = {normalise_name(c) for c in columns}
    for lay in LAYOUTS:
        if (fmt is None or lay.format == fmt) and lay.signature <= have:
            return lay
    return None


def identify(path: str | Path, display: str | None = None, fmt: str | None = None) -> Layout:
    """Recognise a file's producer and layout from its header (of format ``fmt`` when given: ``inventaire`` for
    the project's template), or raise a French error."""
    with open(path, "rb") as f:
        if f.read(5) == b"%PDF-":
            raise InputDataError([Problem(display or str(path), "c'est un PDF : l'atelier lit les tableaux (CSV ou "
                                          "XLSX) tels que les producteurs les publient ; téléchargez le jeu de "
                                          "données en CSV ou en XLSX, ou recopiez les chiffres du PDF dans le "
                                          "modèle d'inventaire (pma-eval data modele)")])
    df = read_any(path, display, fast=True)
    if fmt == TEMPLATE.format:
        if not TEMPLATE.signature <= {normalise_name(c) for c in df.columns}:
            raise unknown_layout(display or str(path), df.columns)
        return TEMPLATE
    lay = detect(df.columns, fmt)
    if lay is None and len(df):  # a file of two header rows whose second row, the codes, says the layout (SDES)
        lay = detect(df.iloc[0].astype(str), fmt)
    if lay is None:
        raise unknown_layout(display or str(path), df.columns)
    return lay


def snapshot_year_from_name(name: str) -> int | None:
    """Year of an ODRÉ snapshot from a ``…-3112YY`` (or ``…3112YYYY``) file name."""
    m = re.search(r"3112(\d{4}|\d{2})(?!\d)", Path(name).stem)
    if not m:
        return None
    y = m.group(1)
    return int(y) if len(y) == 4 else 2000 + int(y)
