"""House colours and the labels of codes, re-exported from :mod:`pma_eval.vocabulary`.

Kept so that analysts' notebooks importing ``pma_eval.nomenclature`` keep working; new code
imports :mod:`pma_eval.vocabulary`, where everything is declared once (``vocabulary.yml``).
"""

from __future__ import annotations

from .vocabulary import (CARRIER_LABELS, MARK_COLORS, SCENARIO_COLORS, SECTOR_COLORS, SECTOR_HATCHES, SECTOR_LABELS,
                         TECHNOLOGY_COLORS, TECHNOLOGY_LABELS, TERRITORY_COLORS)

__all__ = ["CARRIER_LABELS", "GEO_LEVEL_LABELS", "MARK_COLORS", "PALETTE", "SCENARIO_COLORS", "SECTOR_COLORS",
           "SECTOR_HATCHES", "SECTOR_LABELS", "TECHNOLOGY_COLORS", "TECHNOLOGY_LABELS", "TERRITORY_COLORS"]

# Okabe–Ito palette (colour-blind safe), plus greys; hatches make charts readable in black and white.
# The colours of a sector, technology, scenario or territory are declared in vocabulary.yml (one colour,
# one meaning in a document); this list is only the default cycle of a chart drawn without them.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]



def __getattr__(name: str):
    # the whole territory's level is named by the declaration in use (« Pôle », « Agglomération »): computed when
    # asked for
    if name == "GEO_LEVEL_LABELS":
        from .coverage import whole_label

        return {"commune": "Commune", "epci": "EPCI", "pma": whole_label()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
