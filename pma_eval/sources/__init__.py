"""One reader per published format: ``read_<source>(path) -> DataFrame``.

Readers only read: they parse, validate and return tidy frames, raising
:class:`pma_eval.errors.InputDataError` with every problem of the file at once.
"""

from .enedis import read_enedis_residential_epci
from .igt import read_igt_citepa
from .inventory import read_inventory
from .objectifs import read_targets
from .odre import read_odre_registry
from .ore import read_ore_consumption
from .population import read_population
from .region import read_region_communes
from .territoire import read_communes, read_epci

__all__ = [
    "read_communes",
    "read_epci",
    "read_enedis_residential_epci",
    "read_igt_citepa",
    "read_inventory",
    "read_odre_registry",
    "read_ore_consumption",
    "read_population",
    "read_region_communes",
    "read_targets",
]
