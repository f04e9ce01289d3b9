"""Closed lists and column layouts of the activity records kept by the evaluation officer."""

from __future__ import annotations

EVENT_TYPES = ["Grand Forum", "Rencontres du forum", "Cercle de qualité", "atelier", "webinaire", "visite", "autre"]
ORG_TYPES = ["collectivité", "élu", "entreprise", "association", "formation", "emploi", "culture", "jeunesse",
             "État/agence", "citoyen", "autre"]
PRIORITY_PUBLICS = {"élus": ["élu"], "jeunesse": ["jeunesse", "formation"], "emploi": ["emploi"]}
ACTION_STATUSES = ["à venir", "en cours", "réalisé", "en pause", "abandonné", "bloqué", "en retard"]
STARTED = {"en cours", "réalisé", "en pause", "bloqué", "en retard"}
PROJECT_STATUSES = ["candidat", "labellisé", "en cours", "réalisé", "abandonné"]
EPCI_SIGLES = ["CALL", "CAHC", "CABBALR", "PMA"]

COLUMNS = {
    "evenements": ["id_evenement", "date", "type", "titre", "epci", "theme", "public_cible"],
    "participations": ["id_evenement", "personne", "organisation", "type_organisation", "role"],
    "projets_labellises": ["id_projet", "nom", "porteur", "epci", "axe", "date_labellisation", "statut", "budget_eur"],
    "strategie": ["id_axe", "axe", "id_engagement", "engagement", "indicateurs"],
    "actions": ["id_action", "id_engagement", "titre", "pilote", "statut", "debut", "fin", "budget_prevu_eur",
                "budget_depense_eur", "indicateurs"],
}
#: Optional columns of the blank templates, not in the example set: the EPCI an action belongs to
#: (CALL, CAHC, CABBALR or PMA), else read from its pilot (:mod:`pma_eval.activity.perimeter`).
OPTIONAL = {"actions": ["epci"]}
LISTS = {"type": EVENT_TYPES, "type_organisation": ORG_TYPES, "statut_action": ACTION_STATUSES,
         "statut_projet": PROJECT_STATUSES, "epci": EPCI_SIGLES}
