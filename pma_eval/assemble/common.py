"""What the build steps share: the processed tables' keys, the raw file, the build report."""

from __future__ import annotations

from dataclasses import dataclass, field

# A raw file, and what its format is, are declared once in the sources' registry (re-exported for the build).
from ..sources.registry import RawFile, hand_kept  # noqa: F401

#: Processed tables: name → key columns besides geo_level, geo_code, year.
TABLES = {
    "population": ["variable"],
    "emissions": ["sector"],
    "energy": ["sector", "carrier"],
    "renewables": ["technology", "variable"],
    "air": ["pollutant", "sector"],
    "sequestration": ["land_use", "variable"],
    "renewables_heat": ["technology", "variable"],
    "climate": ["variable"],
    "energy_corrected": ["sector", "carrier"],
    "delivery_points": ["sector", "carrier"],
    "energy_bill": ["sector", "carrier"],
}
#: Processed tables whose values may be negative (a land that emits more than it absorbs).
SIGNED_TABLES = {"sequestration"}


#: Reference tables of the foresight: raw format → processed table.
REFERENCE_TABLES = {"tet_trajectoire": "reference_tet_trajectoire", "ademe_parametres": "reference_ademe_parametres",
                    "sgpe_leviers": "reference_sgpe_leviers", "couts_unitaires": "reference_couts_unitaires"}
ORE_TO_PCAET = {"industrie": "industrie_hors_energie"}


#: Relative difference tolerated between a published EPCI total and the sum of its communes.
SUM_TOLERANCE_PUBLISHED = 0.01


#: Producers' files read at any extent (commune, département, France): rows outside the territory
#: are left out and counted, never an error.
@dataclass
class BuildReport:
    """What a build read and wrote (also saved as ``manifest.json``)."""

    inputs: list[dict] = field(default_factory=list)
    outputs: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    precedence: list[str] = field(default_factory=list)
    #: What the build did with a file by its stated rule (a month of temperatures brought to its length…):
    #: facts to state beside the figures, not warnings.
    notes: list[str] = field(default_factory=list)
    #: Per file: rows left out because outside the territory, rows that name no commune.
    extent: dict[str, dict] = field(default_factory=dict)
    #: Values outside the catalogue's plausible range, kept (``indicators.plausibility_flags``).
    plausibility: list[dict] = field(default_factory=list)
    #: EPCI and Pôle values with unknown parts: what is known of their communes (``reconcile.unknown_parts``).
    parts: list[dict] = field(default_factory=list)

