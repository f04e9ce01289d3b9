"""What the build tests add to the small territory (tests/tiny.py), all in one project built once per pytest run
(fixture ``tiny_added``, tests/conftest.py): a build costs nearly as much on 7 communes as on 150, so the
tests that each added one file and built again now share one build carrying every addition.

The additions are independent, by construction: each touches a table, an energy, a year or a territory no other
addition touches, and each test checks only what its own addition changes (hand values below).

=================================  ==========================================================  ===============================
addition                           what it touches                                             read by
=================================  ==========================================================  ===============================
``energie/ore_2022_test.csv``      Lens, 2022, electricity and gas (Agence ORE, commune)       test_build (precedence)
``energie/ore_2021.csv``           Lens, 2021, electricity and gas; one row of Lille (59350)   test_build (outside communes)
``ges/igt_hors.csv``               emissions 2017 of 62001, 62003 and of Lille (wider file)    test_build (outside the territory)
``objectifs/objectifs_territoire`` one target of the CALL                                      test_build (territory target)
``energie/production_enr_…_cahc``  renewable heat and biomethane of the CAHC, 2022–2023        test_heat
``air/atmo_cahc.csv``              NOx and PM2,5 of the CAHC, 2005 and 2018–2023               test_air
``demonstration/chaleur_reseau…``  Lens's network heat, 2019 and 2023 (demonstration)          test_heat_networks_build
``activite/*.meta.yml``            the activity registers said real (observed), with the key   tests/activity/test_activity
                                   of pseudonymisation in the project's ``.env``
=================================  ==========================================================  ===============================

The build runs with the reading cache turned off (``PMA_EVAL_CACHE=0``): test_readcache checks that it leaves no
cache behind.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..conftest import FIXTURES

CAHC, CALL = "246200299", "246200364"

# --- test_heat -----------------------------------------------------------------------------------------
#: Real-looking yearly production of the CAHC [MWh] by source, as a regional observatory delivers it.
#: Every source is given (a zero where there is none), so that no demonstration value is left for the CAHC.
CAHC_HEAT = {"bois_domestique": 58_400.0, "chaufferies_bois": 12_300.0, "pompes_a_chaleur": 71_900.0,
             "solaire_thermique": 2_150.0, "geothermie_profonde": 0.0, "methanisation_chaleur": 0.0,
             "chaleur_recuperation": 0.0, "biomethane": 19_800.0}
#: 2022 is entered at 95 % of 2023.
HEAT_2022 = 0.95

# --- test_air ------------------------------------------------------------------------------------------
# Real-looking figures of an air-quality observatory for the CAHC (t), by PCAET sector: NOx and PM2,5.
NOX = {"transport_routier": 610.4, "residentiel": 92.7, "tertiaire": 38.1, "industrie_hors_energie": 121.9,
       "agriculture": 24.6, "autres_transports": 11.2, "branche_energie": 8.3, "dechets": 2.1}
PM25 = {"transport_routier": 31.8, "residentiel": 148.5, "tertiaire": 2.9, "industrie_hors_energie": 12.6,
        "agriculture": 9.7, "autres_transports": 1.4, "branche_energie": 0.6, "dechets": 0.4}
SCALE_2005 = 2.5  # the 2005 inventory: every value × 2,5

# --- test_build ----------------------------------------------------------------------------------------
#: The IGT extract with its third commune (Aix-Noulette, line 4) turned into Lille, outside the territory.
IGT_META = ("title: t\nproducer: p\nlicence: l\nyears: '2017'\nnature: observed\nformat: igt_citepa\n"
            "options:\n  year: 2017\n")
CALL_TARGET = ("pcaet_call_ges_2030,CALL,PCAET CALL (exemple),emissions_GES,tous,2030,2015,-0.35,variation relative,"
               "délibération (exemple),verifie,adopte\n")


def igt_outside() -> str:
    lines = (FIXTURES / "igt_extrait.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("62019,", "59350,", 1)
    return "\n".join(lines) + "\n"


def _with_sha(path: Path, text: str, meta: str) -> None:
    """``text`` into ``path`` and its metadata, with the file's sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.with_name(path.name + ".meta.yml").write_text(
        meta + f"sha256: {hashlib.sha256(path.read_bytes()).hexdigest()}\n", encoding="utf-8")


def heat_template(raw: Path) -> None:
    lines = ["territoire;annee;filiere;valeur;unite;source"]
    for year, k in ((2022, HEAT_2022), (2023, 1.0)):
        lines += [f"CAHC;{year};{f};{str(round(v * k, 1)).replace('.', ',')};MWh;Observatoire (exemple de saisie)"
                  for f, v in CAHC_HEAT.items()]
    _with_sha(raw / "energie" / "production_enr_chaleur_gaz_cahc.csv", "\n".join(lines) + "\n",
              "title: essai\nproducer: Observatoire Climat Hauts-de-France\nlicence: Licence Ouverte\n"
              "years: 2022-2023\nnature: observed\nformat: production_enr_chaleur_gaz\n")


def air_inventory(raw: Path) -> None:
    lines = ["territoire;annee;secteur;energie_ou_gaz;valeur;unite;source"]
    for year, k in ((2005, SCALE_2005), (2018, 1.2), (2019, 1.15), (2020, 1.0), (2021, 1.05), (2022, 1.02), (2023, 1.0)):
        for pol, values in (("NOx", NOX), ("PM2,5", PM25)):
            for sector, v in values.items():
                lines.append(f"CAHC;{year};{sector};{pol};{str(round(v * k, 2)).replace('.', ',')};t;"
                             "Atmo Hauts-de-France, inventaire (exemple de saisie)")
    _with_sha(raw / "air" / "atmo_cahc.csv", "\n".join(lines) + "\n",
              "title: Inventaire des émissions de polluants de la CAHC\nproducer: Atmo Hauts-de-France\n"
              "licence: ODbL\nyears: 2005-2023\nnature: observed\nformat: inventaire\n")


def lens_demo_heat(raw: Path) -> None:
    """A demonstration inventory of the network heat of Lens for 2019 and 2023 (the real file covers 2023 only)."""
    _with_sha(raw / "demonstration" / "chaleur_reseau_lens_demo.csv",
              "territoire;annee;secteur;energie_ou_gaz;valeur;unite;source\n"
              "62498;2019;residentiel;chaleur_reseau;11111;MWh;démonstration\n"
              "62498;2023;residentiel;chaleur_reseau;99999;MWh;démonstration\n",
              "title: DÉMONSTRATION — essai\nproducer: pma-eval\nlicence: aucune\nyears: 2019-2023\n"
              "nature: demonstration\nformat: inventaire\n")


#: The key of pseudonymisation of the project, in its ``.env`` (real participations need one).
KEY = "PMA_EVAL_CLE_PSEUDO=une-cle-locale\n"


def observed_activity(raw: Path) -> None:
    """The example registers' metadata turned into real records' (no code change: the same files, said observed)."""
    import yaml

    for meta in sorted((raw / "activite").glob("*.meta.yml")):
        m = yaml.safe_load(meta.read_text(encoding="utf-8"))
        m["nature"] = "observed"
        m["title"] = m["title"].replace("EXEMPLE FICTIF — ", "")
        meta.write_text(yaml.safe_dump(m, allow_unicode=True), encoding="utf-8")
    (raw.parents[1] / ".env").write_text(KEY, encoding="utf-8")


def add_all(raw: Path) -> None:
    """Every addition of the table above, into the small territory's ``data/raw`` (and its project's ``.env``)."""
    (raw / "energie" / "ore_2022_test.csv").write_bytes((FIXTURES / "ore_commune.csv").read_bytes())
    (raw / "energie" / "ore_2022_test.csv.meta.yml").write_text(
        "title: test\nproducer: Agence ORE\nlicence: LO\nyears: '2022'\nnature: observed\nformat: ore_conso\n",
        encoding="utf-8")
    (raw / "energie" / "ore_2021.csv").write_bytes((FIXTURES / "ore_large_2011_2021.csv").read_bytes())
    (raw / "energie" / "ore_2021.csv.meta.yml").write_text(
        "title: t\nproducer: Agence ORE\nlicence: l\nyears: '2021'\nnature: observed\nformat: ore_conso\n",
        encoding="utf-8")
    (raw / "ges" / "igt_hors.csv").write_text(igt_outside(), encoding="utf-8")
    (raw / "ges" / "igt_hors.csv.meta.yml").write_text(IGT_META + "  extent: plus_large\n", encoding="utf-8")
    tpl = raw / "objectifs" / "objectifs_territoire.csv"
    tpl.write_text(tpl.read_text(encoding="utf-8") + CALL_TARGET, encoding="utf-8")
    heat_template(raw)
    air_inventory(raw)
    lens_demo_heat(raw)
    observed_activity(raw)


# --- the whole territory ------------------------------------------------------------------------------------------
#: The published ODRÉ name of the register fixture (a snapshot at 31/12/2022, « -311222 »).
ODRE_NAME = "registre-national-installation-production-stockage-electricite-agrege-311222.csv"


def add_full(root: Path) -> None:
    """The whole territory (150 communes) with what the build tests add through the command line, then built once
    (fixture ``full_added``, tests/conftest.py): each addition is independent of the others, by construction.

    =================================  ==================================================  ==============================
    addition (``pma-eval data add``)   what it touches                                     read by
    =================================  ==================================================  ==============================
    ``ore_large_2011_2021.csv``        Lens, 2021, electricity and gas; Lille (outside)    test_real_data
    ``ore_long_2022.csv``              Lens, 2022, electricity and gas                     test_real_data, test_parts
    ODRÉ register ``-311222``          renewables 2022 of Lens, Béthune…, ``--etendue      test_real_data
                                       epci``
    the inventory template             the template's first EPCI, 2022, residential gas    test_refusals
    (``data modele``)                  (1 234,5 GWh); a commune's road GHG; an EPCI's NOx
    =================================  ==================================================  ==============================

    The exit codes and what the commands printed are kept in ``root/commandes.json`` (the tests that read this build
    check them), the template in ``root/modeles``."""
    import contextlib
    import io
    import json
    import shutil
    import tempfile

    import pytest

    from pma_eval.config import get_paths

    from ..conftest import cli, make_project

    project = get_paths(make_project(root))
    said: dict[str, list] = {}
    mp = pytest.MonkeyPatch()
    try:
        def run(key: str, *argv: str) -> None:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = cli(mp, project, *argv)
            said[key] = [code, out.getvalue(), err.getvalue()]
            assert code in (0, 2), (key, code, err.getvalue())

        with tempfile.TemporaryDirectory() as downloads:
            shutil.copy(FIXTURES / "odre_registre.csv", Path(downloads) / ODRE_NAME)
            for f in (FIXTURES / "ore_large_2011_2021.csv", FIXTURES / "ore_long_2022.csv"):
                run(f"add {f.name}", "data", "add", str(f))
            # the register extract covers its agglomerations (the fixture's premise: tests/assemble/test_extent.py)
            run("add odre", "data", "add", str(Path(downloads) / ODRE_NAME), "--etendue", "epci")
        run("modele", "data", "modele", "--out", str(root / "modeles"))
        template = root / "modeles" / "inventaire_observatoire_modele.csv"
        run("add modele", "data", "add", str(template))
        run("add modele --format", "data", "add", str(template), "--format", "inventaire")
        run("build", "data", "build")
    finally:
        mp.undo()
    (root / "commandes.json").write_text(json.dumps(said, ensure_ascii=False), encoding="utf-8")
