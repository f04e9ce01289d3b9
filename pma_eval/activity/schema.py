"""Closed lists and column layouts of the activity records kept by the evaluation officer."""

from __future__ import annotations

EVENT_TYPES = ["Grand Forum", "Rencontres du forum", "Cercle de qualité", "atelier", "webinaire", "visite", "autre"]
ORG_TYPES = ["collectivité", "élu", "entreprise", "association", "formation", "emploi", "culture", "jeunesse",
             "État/agence", "citoyen", "autre"]
PRIORITY_PUBLICS = {"élus": ["élu"], "jeunesse": ["jeunesse", "formation"], "emploi": ["emploi"]}
ACTION_STATUSES = ["à venir", "en cours", "réalisé", "en pause", "abandonné", "bloqué", "en retard"]
STARTED = {"en cours", "réalisé", "en pause", "bloqué", "en retard"}
PROJECT_STATUSES = ["candidat", "labellisé", "en cours", "réalisé", "abandonné"]

COLUMNS = {
    "evenements": ["id_evenement", "date", "type", "titre", "epci", "theme", "public_cible"],
    "participations": ["id_evenement", "personne", "organisation", "type_organisation", "role"],
    "projets_labellises": ["id_projet", "nom", "porteur", "epci", "axe", "date_labellisation", "statut", "budget_eur"],
    "strategie": ["id_axe", "axe", "id_engagement", "engagement", "indicateurs"],
    "actions": ["id_action", "id_engagement", "titre", "pilote", "statut", "debut", "fin", "budget_prevu_eur",
                "budget_depense_eur", "indicateurs"],
}
#: Optional columns of the blank templates, not in the example set: the EPCI an action belongs to (the short name
#: of one of the territory's EPCIs, or the whole territory's code), else read from its pilot
#: (:mod:`pma_eval.activity.perimeter`).
OPTIONAL = {"actions": ["epci"]}


def epci_codes(paths=None) -> list[str]:
    """What an ``epci`` column may hold: the short names of the EPCIs of the territory in use (``paths``, default
    :func:`pma_eval.config.get_paths`), from its declaration, then the whole territory's code."""
    from ..config import get_paths
    from ..declaration import in_use, whole_in_use

    paths = paths or get_paths()
    decl = in_use(paths)
    if decl is None:  # a project without declarations: the one commune table of data/raw
        from ..acquire import territory_communes

        sigles = sorted(set(territory_communes(paths)["epci_sigle"].astype(str)))
    else:
        sigles = sorted(str(e["nom_court"]) for e in decl.epcis)
    whole = whole_in_use(paths).code
    return [s for s in sigles if s != whole] + [whole]


def lists(paths=None) -> dict[str, list[str]]:
    """The closed lists of the registers (the ``epci`` one is the territory's, :func:`epci_codes`)."""
    return {"type": EVENT_TYPES, "type_organisation": ORG_TYPES, "statut_action": ACTION_STATUSES,
            "statut_projet": PROJECT_STATUSES, "epci": epci_codes(paths)}

