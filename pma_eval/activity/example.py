"""Fictitious but realistic example set 2019–2023 (« exemple fictif ») and the blank templates.

The example lets the reports run out of the box; replacing its CSV files by the officer's real
records (same columns, ``nature: observed`` in the metadata) needs no code change.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..checksum import sha256
from .schema import ACTION_STATUSES, COLUMNS, OPTIONAL, ORG_TYPES, lists as closed_lists

SEED = 20250115
FIRST = ["Camille", "Dominique", "Claude", "Alix", "Sacha", "Maxime", "Lou", "Noa", "Charlie", "Jules", "Inès",
         "Yanis", "Léa", "Hugo", "Chloé", "Nathan", "Manon", "Rayan", "Emma", "Louis", "Sarah", "Adam", "Jade", "Enzo"]
LAST = ["Martin", "Bernard", "Dubois", "Lefebvre", "Leroy", "Moreau", "Lambert", "Dupont", "Delattre", "Caron",
        "Lemaire", "Dufour", "Lecomte", "Wattiez", "Vasseur", "Delcourt", "Hennebelle", "Delannoy", "Bacquet", "Flament"]
ORGS = {
    "collectivité": ["Ville de Lens", "Ville de Béthune", "Ville de Liévin", "Ville d'Hénin-Beaumont", "Ville de Bruay-la-Buissière",
                     "Ville de Carvin", "CALL", "CAHC", "CABBALR"],
    "élu": ["Conseil municipal de Noeux-les-Mines", "Conseil municipal d'Avion", "Conseil municipal de Harnes",
            "Conseil municipal de Lillers"],
    "entreprise": ["Artois Rénov'", "Solaire Nord Artois", "Méthanisation des Flandres", "Bâti-Bas-Carbone", "Logistique Sud-Artois",
                   "Chaudronnerie Lensoise", "Mobilité Électrique 62"],
    "association": ["Énergies citoyennes Artois", "Vélo Gohelle", "Terrils Nature", "Repair Café Béthune"],
    "formation": ["Lycée Condorcet Lens", "Université d'Artois", "CFA du BTP"],
    "emploi": ["Mission locale de l'Artois", "Pôle emploi Lens", "Maison de l'emploi"],
    "culture": ["Louvre-Lens", "Culture Commune", "Base 11/19"],
    "jeunesse": ["Conseil des jeunes de Liévin", "Scouts de Béthune", "Service civique Artois"],
    "État/agence": ["ADEME Hauts-de-France", "DDTM du Pas-de-Calais", "Région Hauts-de-France", "Euralens"],
    "citoyen": ["(citoyen)"],
    "autre": ["Bailleur Maisons & Cités", "Chambre d'agriculture"],
}
AXES = [("A1", "Habiter et rénover"), ("A2", "Se déplacer autrement"), ("A3", "Produire une énergie locale"),
        ("A4", "Entreprendre et former pour la transition")]
COMMITMENTS = [
    ("A1", "E1.1", "Accompagner la rénovation de 2 000 logements par an", "ges_residentiel,conso_residentiel"),
    ("A1", "E1.2", "Sortir du fioul dans les logements", "conso_produits_petroliers,ges_residentiel"),
    ("A1", "E1.3", "Réduire les consommations du patrimoine public", "conso_tertiaire"),
    ("A2", "E2.1", "Développer les itinéraires cyclables", "ges_transport_routier"),
    ("A2", "E2.2", "Électrifier les flottes publiques", "ges_transport_routier,conso_transport_routier"),
    ("A2", "E2.3", "Favoriser le covoiturage domicile-travail", "ges_transport_routier"),
    ("A3", "E3.1", "Solariser les toitures publiques et les terrils", "enr_puissance_solaire_pv,enr_elec_production"),
    ("A3", "E3.2", "Créer des communautés d'énergie citoyennes", "pv_installations"),
    ("A3", "E3.3", "Valoriser le biogaz agricole", "enr_production_bioenergies"),
    ("A4", "E4.1", "Former aux métiers de la rénovation", "ges_total"),
    ("A4", "E4.2", "Décarboner l'industrie du bassin", "ges_industrie_hors_energie"),
    ("A4", "E4.3", "Mobiliser les jeunes autour de la transition", "ges_par_habitant"),
]
EVENTS_PER_YEAR = {"Grand Forum": 3, "Rencontres du forum": 4, "Cercle de qualité": 2, "atelier": 3, "webinaire": 2,
                   "visite": 1}
SIZE = {"Grand Forum": (60, 110), "Rencontres du forum": (25, 50), "Cercle de qualité": (8, 15), "atelier": (10, 25),
        "webinaire": (15, 40), "visite": (8, 20)}


def generate(seed: int = SEED) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    people, seen = [], set()
    for k in range(320):
        f, l_ = FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]
        if (f, l_) in seen:
            continue
        seen.add((f, l_))
        org_type = ORG_TYPES[rng.choice(len(ORG_TYPES), p=[.16, .08, .16, .12, .08, .07, .05, .07, .08, .08, .05])]
        org = ORGS[org_type][rng.integers(len(ORGS[org_type]))]
        who = f"{f} {l_}" if rng.random() < 0.7 else f"{f.lower()}.{l_.lower()}@exemple-fictif.fr"
        people.append((who, org, org_type, 2019 + int(rng.integers(0, 5)) if k > 120 else 2019))
    events, parts = [], []
    epcis = ["CALL", "CAHC", "CABBALR"]
    for year in range(2019, 2024):
        n = 0
        for etype, count in EVENTS_PER_YEAR.items():
            for _ in range(count + (1 if etype == "Rencontres du forum" and year >= 2021 else 0)):
                n += 1
                eid = f"E{year}-{n:02d}"
                month = int(rng.integers(1, 13))
                epci = "PMA" if etype == "webinaire" else epcis[(n + year) % 3]
                theme = AXES[int(rng.integers(len(AXES)))][1]
                events.append([eid, f"{year}-{month:02d}-{int(rng.integers(1, 28)):02d}", etype,
                               f"{etype} — {theme}", epci, theme, "tous publics" if etype != "Cercle de qualité" else "porteurs de projets"])
                pool = [p for p in people if p[3] <= year]
                lo, hi = SIZE[etype]
                size = min(len(pool), int(rng.integers(lo, hi)) + 4 * (year - 2019))
                for idx in rng.choice(len(pool), size=size, replace=False):
                    who, org, org_type, _ = pool[idx]
                    parts.append([eid, who, org, org_type, "participant" if rng.random() < .9 else "intervenant"])
    projects = []
    statuses = ["labellisé", "en cours", "réalisé", "abandonné", "candidat"]
    for k in range(26):
        axis = AXES[k % 4][1]
        year = 2019 + k % 5
        projects.append([f"P{k + 1:03d}", f"Projet fictif n° {k + 1} — {axis.lower()}", ORGS["entreprise"][k % 7]
                         if k % 2 else ORGS["association"][k % 4], epcis[k % 3], axis,
                         f"{year}-{(k % 12) + 1:02d}-15", statuses[int(rng.choice(5, p=[.3, .3, .25, .05, .1]))],
                         int(rng.integers(20, 400)) * 1000])
    strategy = [[a, dict(AXES)[a], cid, text, inds] for a, cid, text, inds in COMMITMENTS]
    actions = []
    k = 0
    for a, cid, text, inds in COMMITMENTS:
        for j in range(int(rng.integers(0, 4))):
            k += 1
            status = ACTION_STATUSES[int(rng.choice(7, p=[.15, .35, .25, .08, .05, .05, .07]))]
            start = 2019 + int(rng.integers(0, 5))
            planned = int(rng.integers(10, 300)) * 1000
            spent = 0 if status == "à venir" else int(planned * rng.uniform(0.1, 1.05) / 1000) * 1000
            actions.append([f"A{k:03d}", cid, f"Action fictive {k} : {text.lower()}", ORGS["collectivité"][k % 9],
                            status, f"{start}-{int(rng.integers(1, 13)):02d}-01",
                            f"{start + int(rng.integers(1, 4))}-12-31", planned, spent, inds.split(",")[0]])
    return {
        "evenements": pd.DataFrame(events, columns=COLUMNS["evenements"]),
        "participations": pd.DataFrame(parts, columns=COLUMNS["participations"]),
        "projets_labellises": pd.DataFrame(projects, columns=COLUMNS["projets_labellises"]),
        "strategie": pd.DataFrame(strategy, columns=COLUMNS["strategie"]),
        "actions": pd.DataFrame(actions, columns=COLUMNS["actions"]),
    }


def write_example(folder: str | Path, seed: int = SEED) -> list[Path]:
    """Write the example CSVs with their ``.meta.yml`` (``nature: demonstration``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, df in generate(seed).items():
        p = folder / f"{name}_exemple_fictif.csv"
        df.to_csv(p, sep=";", index=False, encoding="utf-8", lineterminator="\n")
        meta = {"title": f"EXEMPLE FICTIF — {name.replace('_', ' ')} (réseaux et actions du Pôle, 2019–2023)",
                "producer": "pma-eval (jeu d'exemple fictif)", "origin": "pma_eval/activity/example.py",
                "licence": "Licence Ouverte (données fictives)", "years": "2019-2023", "nature": "demonstration",
                "format": f"activite_{name}", "sha256": sha256(p),
                "caveats": ["Exemple fictif : personnes, organisations, événements et actions inventés pour que les "
                            "rapports fonctionnent ; à remplacer par les registres de la chargée d'évaluation."],
                "seed": seed}
        p.with_name(p.name + ".meta.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False,
                                                                    width=100), encoding="utf-8")
        out.append(p)
    return out


def _template_names() -> tuple[str, str, str, str]:
    """How the templates' notes name the territory in use, from its declaration: « du Pôle », « le Pôle », its codes
    (« CALL, CAHC, CABBALR ou PMA »; its one code for a territory of one EPCI), « de la Turbine de l'écotransition »
    (« de la stratégie du … » without a programme)."""
    from ..config import get_paths
    from ..declaration import in_use_or_default, programme_forms

    paths = get_paths()
    decl = in_use_or_default(paths)
    if decl is None:
        code = paths.territory.upper()
        return "du territoire", "le territoire", code, "de la stratégie du territoire"
    of, subject = decl.kind.of or "du territoire", decl.kind.subject or "le territoire"
    shorts = [str(e.get("nom_court") or e.get("siren")) for e in decl.epcis]
    shorts = [c for c in shorts if c != decl.code]
    codes = f"{', '.join(shorts)} ou {decl.code}" if shorts else decl.code
    return of, subject, codes, programme_forms(decl.programme, of)[1]


def write_templates(folder: str | Path) -> list[Path]:
    """Blank templates: one XLSX workbook (drop-down lists, README sheet) and a CSV twin per table."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    wb = Workbook()
    readme = wb.active
    readme.title = "LISEZ-MOI"
    de_tout, le_tout, codes, de_programme = _template_names()
    for line in (
        f"Registres des réseaux et des actions {de_tout} (modèle pma-eval).",
        "Une feuille par table ; une ligne par enregistrement ; ne pas renommer les colonnes.",
        f"evenements : id_evenement unique, date (AAAA-MM-JJ), type (liste), titre, epci ({codes}).",
        "participations : id_evenement (doit exister dans evenements), personne (nom ou e-mail tel que saisi),",
        "  organisation, type_organisation (liste), role. Les noms sont pseudonymisés dès la lecture (clé PMA_EVAL_CLE_PSEUDO).",
        "  « organisation » n'est pas pseudonymisée : n'y écrivez jamais le nom d'une personne (pour un particulier : « (citoyen) »).",
        "projets_labellises : id_projet unique, nom, porteur, epci, axe, date_labellisation, statut (liste), budget_eur.",
        f"strategie : axes → engagements {de_programme} ; « indicateurs » : identifiants du catalogue séparés par des "
        "virgules.",
        "actions : id_action unique, id_engagement (doit exister dans strategie), statut (liste), dates, budgets,",
        f"  epci ({codes} ; vide : l'EPCI du pilote s'il en est une commune ou l'EPCI, sinon {le_tout}).",
    ):
        readme.append([line])
    LISTS = closed_lists()  # the epci list is the territory's
    lists = wb.create_sheet("listes")
    for col, (name, values) in enumerate(LISTS.items(), start=1):
        lists.cell(row=1, column=col, value=name)
        for r, v in enumerate(values, start=2):
            lists.cell(row=r, column=col, value=v)
    validations = {"evenements": {"type": "type", "epci": "epci"},
                   "participations": {"type_organisation": "type_organisation"},
                   "projets_labellises": {"statut": "statut_projet", "epci": "epci"},
                   "actions": {"statut": "statut_action", "epci": "epci"}}
    letters = "ABCDEFGHIJK"
    for name, cols in COLUMNS.items():
        cols = [*cols, *OPTIONAL.get(name, [])]
        ws = wb.create_sheet(name)
        ws.append(cols)
        ws.freeze_panes = "A2"
        for col, list_name in validations.get(name, {}).items():
            k = list(LISTS).index(list_name)
            n = len(LISTS[list_name])
            dv = DataValidation(type="list", formula1=f"=listes!${letters[k]}$2:${letters[k]}${n + 1}")
            ws.add_data_validation(dv)
            dv.add(f"{letters[cols.index(col)]}2:{letters[cols.index(col)]}2000")
        csv = folder / f"{name}_modele.csv"
        pd.DataFrame(columns=cols).to_csv(csv, sep=";", index=False, encoding="utf-8")
        out.append(csv)
    xlsx = folder / "registres_reseaux_actions_modele.xlsx"
    wb.save(xlsx)
    return [xlsx, *out]
