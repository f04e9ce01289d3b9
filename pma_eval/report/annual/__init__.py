"""Content of the annual report, one module per section; every function returns report blocks.

``from pma_eval.report import annual as a`` then, in a notebook, ``a.emissions_figure(ctx)``
shows the chart, ``a.emissions_figure(ctx).data`` is the table it draws.
"""

from ...vocabulary import ENERGY_SECTORS, PCAET
from ..context import has_demonstration
from .air import air_figure, air_summary, air_table, has_air, no_air_text
from .networks import bill_table, has_networks, networks_sentence
from .heat import has_heat, heat_figure, heat_table, no_heat_text, share_sentence
from .sequestration import has_sequestration, land_use_table, net_sentence, no_sequestration_text
from .communes import communes_table
from .annex import caveats, coverage_notes, coverage_table, glossary_table, methods, sources_table
from .emissions import (comparison_figure, comparison_frame, comparison_sentence, drivers, drivers_figure,
                        drivers_sentence, emissions_figure, epci_comparison, epci_figure,
                        map_figure, population_table, sector_table)
from .decide import decide_page, decision_points, key_figures, key_figures_table
from .levels import level_figure, level_sentence
from .energy import (carrier_table, climate_sentence, climate_table, degree_days_text, energy_figure, enr_figure,
                     has_climate)
from .synthesis import (annex_targets, change_text, emissions_summary, energy_summary, enr_summary, headline_frame, headline_table,
                        incomplete_note, key_sentences, trend_label, unassessable_targets, verdict_table)

__all__ = ["communes_table", "level_figure", "level_sentence", "bill_table", "has_networks", "networks_sentence", "climate_sentence", "climate_table", "degree_days_text", "has_climate", "has_heat", "heat_figure", "heat_table", "no_heat_text", "share_sentence", "has_sequestration", "land_use_table", "net_sentence", "no_sequestration_text", "air_figure", "air_summary", "air_table", "has_air", "no_air_text", "comparison_figure", "comparison_frame", "comparison_sentence", "ENERGY_SECTORS", "PCAET", "has_demonstration", "caveats", "glossary_table", "coverage_notes", "coverage_table", "methods", "sources_table", "drivers", "drivers_figure",
           "drivers_sentence", "emissions_figure", "epci_comparison", "epci_figure", "map_figure", "population_table",
           "sector_table", "carrier_table", "energy_figure", "enr_figure", "emissions_summary", "energy_summary",
           "enr_summary", "change_text", "headline_frame", "headline_table", "incomplete_note", "key_sentences", "trend_label",
           "annex_targets", "unassessable_targets", "verdict_table", "decide_page", "decision_points", "key_figures", "key_figures_table"]
