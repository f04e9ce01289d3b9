"""Codes used across the workbench, with their French labels and house colours, declared once."""

from __future__ import annotations

from .sources.igt import MEMO_SECTORS, PCAET_SECTORS

# Okabe–Ito palette (colour-blind safe), plus greys; hatches make charts readable in black and white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]

SECTOR_LABELS = dict(PCAET_SECTORS)
SECTOR_LABELS.update({"industrie": "Industrie", "non_affecte": "Non affecté"})
SECTOR_LABELS.update(MEMO_SECTORS)

SECTOR_COLORS = {
    "residentiel": "#0072B2",
    "tertiaire": "#56B4E9",
    "transport_routier": "#D55E00",
    "autres_transports": "#E69F00",
    "agriculture": "#009E73",
    "dechets": "#999999",
    "industrie_hors_energie": "#CC79A7",
    "branche_energie": "#000000",
    "non_affecte": "#DDDDDD",
}
SECTOR_HATCHES = {
    "residentiel": "", "tertiaire": "//", "transport_routier": "", "autres_transports": "\\\\",
    "agriculture": "", "dechets": "xx", "industrie_hors_energie": "..", "branche_energie": "", "non_affecte": "--",
}

CARRIER_LABELS = {
    "electricite": "Électricité",
    "gaz": "Gaz naturel",
    "produits_petroliers": "Produits pétroliers",
    "bois_energie": "Bois-énergie",
    "chaleur_reseau": "Chaleur (réseaux)",
    "autres_enr": "Autres renouvelables",
    "charbon": "Charbon",
    "autres": "Autres",
}

TECHNOLOGY_LABELS = {
    "solaire_pv": "Solaire photovoltaïque",
    "eolien": "Éolien",
    "hydraulique": "Hydraulique",
    "bioenergies": "Bioénergies",
    "energies_marines": "Énergies marines",
    "geothermie": "Géothermie",
    "thermique_non_renouvelable": "Thermique non renouvelable",
    "stockage": "Stockage",
    "nucleaire": "Nucléaire",
    "autre": "Autre",
}

GEO_LEVEL_LABELS = {"commune": "Commune", "epci": "EPCI", "pma": "Pôle"}
