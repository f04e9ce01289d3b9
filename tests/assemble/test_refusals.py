"""Refusals that help (issue 25, point 8): what is wrong, where, and what to do — and nothing changed."""

from __future__ import annotations

import shutil
import time

import pytest
import yaml


from ..conftest import FIXTURES, cli, tree


def test_a_pdf_is_called_a_pdf(built, monkeypatch, tmp_path, capsys):
    pdf = tmp_path / "bilan_enr_2022.csv"  # a PDF saved under a CSV name, as a portal's « export » button may give
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    before = tree(built.root / "data")
    assert cli(monkeypatch, built, "data", "add", str(pdf)) == 2
    err = capsys.readouterr().err
    assert "c'est un PDF" in err and "CSV ou en XLSX" in err
    assert tree(built.root / "data") == before


def test_a_renamed_column_is_named_with_every_column_read(built, monkeypatch, tmp_path, capsys):
    """The ORE 2022 fixture with « conso_totale_mwh » renamed: the nearest layout and its missing column are
    named, and the 18 columns read are all listed (the list was cut at 12)."""
    text = (FIXTURES / "ore_long_2022.csv").read_text(encoding="utf-8")
    f = tmp_path / "ore_2022.csv"
    f.write_text(text.replace("conso_totale_mwh", "consommation_mwh", 1), encoding="utf-8")
    assert cli(monkeypatch, built, "data", "add", str(f)) == 2
    err = capsys.readouterr().err
    assert "Le plus proche : Agence ORE 2022 et après" in err and "il y manque la colonne conso_totale_mwh" in err
    assert "Colonnes lues (18)" in err and "conso_moyenne_mwh" in err  # the last column of the header


def test_the_inventory_template_goes_in_with_its_format(full_added):
    """`data modele` writes the template (an EPCI of the territory, 2022, residential gas: 1 234,5 GWh); `data add`
    points to `--format inventaire`, which takes it, names its producers from the source column, and the build reads
    it: 1 234,5 GWh = 1 234 500 MWh for that EPCI. The commands ran in the run's shared build of the whole territory
    with the build tests' additions (tests/assemble/added.py, ``add_full``, in this order), which kept their exit codes
    and what they printed."""
    import json

    from pma_eval.processed import load

    built = full_added
    said = json.loads((built.root / "commandes.json").read_text(encoding="utf-8"))
    assert said["modele"][0] == 0
    template = built.root / "modeles" / "inventaire_observatoire_modele.csv"
    code, _, err = said["add modele"]
    assert code == 2
    assert "C'est le modèle d'inventaire de l'atelier : ajoutez-le avec --format inventaire" in err
    code, out, _ = said["add modele --format"]
    assert code == 0
    assert "complétez producer et licence" in out
    meta = yaml.safe_load((built.raw / "inventaires" / f"{template.name}.meta.yml").read_text(encoding="utf-8"))
    assert meta["format"] == "inventaire" and meta["nature"] == "observed" and meta["years"] == "2022"
    assert meta["producer"] == "Atmo Hauts-de-France, inventaire A2022 ; Observatoire Climat Hauts-de-France"
    import csv

    from pma_eval.processed import load_territory

    with open(template, encoding="utf-8-sig") as f:  # the EPCI the template's example row names (its short name)
        row = next(r for r in csv.DictReader(f, delimiter=";") if r["energie_ou_gaz"] == "gaz")
    assert said["build"][0] == 0
    epcis = load_territory(built).epcis
    siren = epcis.loc[epcis["epci_sigle"] == row["territoire"], "epci_siren"].item()
    energy = load("energy", built)
    epci = energy[(energy["geo_level"] == "epci") & (energy["geo_code"] == siren) & (energy["year"] == 2022)
                  & (energy["sector"] == "residentiel") & (energy["carrier"] == "gaz")]
    assert epci["value"].item() == pytest.approx(1_234_500.0) and epci["nature"].item() == "observed"


def test_a_template_naming_a_territory_outside_the_pole_is_refused_at_add(built, monkeypatch, tmp_path, capsys):
    f = tmp_path / "inventaire.csv"
    f.write_text("territoire;annee;secteur;energie_ou_gaz;valeur;unite;source\n"
                 "CALL;2022;residentiel;gaz;1,5;GWh;Observatoire\nCAPSO;2022;residentiel;gaz;2;GWh;Observatoire\n",
                 encoding="utf-8")
    assert cli(monkeypatch, built, "data", "add", str(f), "--format", "inventaire") == 2
    err = capsys.readouterr().err
    assert "ligne 3" in err and "territoire" in err and "CAPSO" in err


def test_a_commune_code_for_a_report_is_refused_at_once(built_paths, tmp_path, monkeypatch, capsys):
    """`--territoire 62498` failed after 13 s with exit 1 and an `_echecs/` notebook, although the message said
    commune codes were accepted. A commune has its fiche; the refusal comes before any notebook."""
    monkeypatch.setenv("PMA_EVAL_REPORTS_DIR", str(tmp_path / "rapports"))
    t0 = time.process_time()
    assert cli(monkeypatch, built_paths, "report", "annual", "--year", "2023", "--territoire", "62498") == 2
    assert time.process_time() - t0 < 5  # no notebook ran (a report takes 20 s of processor)
    err = capsys.readouterr().err
    assert "« 62498 » est la commune de Lens : une commune a sa fiche (pma-eval fiches)" in err
    assert "PMA, CABBALR (ou son SIREN), CAHC (ou son SIREN), CALL (ou son SIREN)" in err
    assert not (tmp_path / "rapports").exists()
    assert cli(monkeypatch, built_paths, "report", "scenarios", "--territoire", "XYZ") == 2
    assert "territoire inconnu : « XYZ »" in capsys.readouterr().err


def test_an_unknown_table_name_lists_the_tables(built_paths):
    from pma_eval.errors import ConfigurationError
    from pma_eval.processed import load

    with pytest.raises(ConfigurationError) as exc:
        load("energie", built_paths)
    assert "table inconnue : « energie »" in str(exc.value) and "energy" in str(exc.value)


def test_exported_values_carry_no_binary_noise(built_paths, tmp_path, monkeypatch):
    """The issue's figure: 63 128,275 was written « 63128,274999999994 ». Twelve significant digits keep every
    digit a source gives and drop the noise of a sum."""
    import pandas as pd

    from pma_eval.publish.indicator_export import without_float_noise

    assert without_float_noise([63128.274999999994, 0.1 + 0.2, float("nan"), 0.0]).tolist()[:2] == [63128.275, 0.3]
    out = tmp_path / "export.csv"
    assert cli(monkeypatch, built_paths, "indicators", "export", "--out", str(out)) == 0
    values = pd.read_csv(out, sep=";", dtype=str, encoding="utf-8-sig")["valeur"].dropna()
    digits = values.str.replace(r"[-,]", "", regex=True).str.lstrip("0").str.len()
    assert digits.max() <= 12, values[digits.idxmax()]


def test_data_etat_lists_the_values_outside_the_plausible_range():
    """Issue 25, point 7: a village where a factory sits consumes 1 776 MWh per inhabitant (the national
    benchmark's case): kept, and listed by name with the range and why it may be real."""
    import pandas as pd

    from pma_eval.coverage import render_plausibility
    from pma_eval.indicators import load_catalogue
    from pma_eval.territory import Territory

    t = Territory.from_communes(pd.DataFrame({"code_insee": ["62001", "62002"], "nom": ["Alpha", "Bêta"],
                                              "epci_siren": "200000001", "epci_sigle": "CA-A"}))
    flags = [{"indicator_id": "conso_energie_par_habitant", "geo_level": "commune", "geo_code": "62002",
              "year": 2021, "value": 1776.0, "low": 0.0, "high": 1000.0}]
    text = render_plausibility(flags, t, load_catalogue())
    assert text.startswith("Valeurs hors de la plage plausible du catalogue (1), gardées et signalées")
    assert "une usine, une centrale" in text
    assert "Bêta, 2021 :" in text and "1\u202f776" in text and "de 0 à 1\u202f000" in text
    assert render_plausibility([], t, load_catalogue()) == ""


def test_a_snapshot_year_that_contradicts_the_file_name_is_refused(built, monkeypatch, tmp_path, capsys):
    """Issue 25, point 3: the published name « …-311222 » says 31/12/2022; --annee-instantane 2023 is refused."""
    f = tmp_path / "registre-national-installation-production-stockage-electricite-agrege-311222.csv"
    shutil.copy(FIXTURES / "odre_registre.csv", f)
    before = tree(built.root / "data")
    assert cli(monkeypatch, built, "data", "add", str(f), "--annee-instantane", "2023", "--etendue", "epci") == 2
    assert "le nom publié du fichier dit 31/12/2022" in capsys.readouterr().err
    assert tree(built.root / "data") == before


def test_the_report_annex_names_the_values_outside_the_plausible_range_of_its_territory(built_paths):
    """Issue 25, point 7: kept values outside the catalogue's range are listed in the annex of the report whose
    territory holds them (Lens in the CALL's), not in another EPCI's."""
    import dataclasses

    from pma_eval.report.annual.annex import coverage_notes
    from pma_eval.report.context import load_context

    flag = {"indicator_id": "conso_energie_par_habitant", "geo_level": "commune", "geo_code": "62498",
            "year": 2021, "value": 1776.0, "low": 0.0, "high": 1000.0}
    for territoire, shown in (("CALL", True), ("CAHC", False)):
        ctx = load_context(2023, territoire, built_paths)
        ctx = dataclasses.replace(ctx, manifest={**ctx.manifest, "plausibility": [flag]})
        text = " ".join(coverage_notes(ctx).items)
        assert ("Lens, 2021 :" in text and "plage habituelle de 0 à 1\u202f000" in text) is shown, territoire


def test_an_observed_year_after_the_files_publication_is_refused_with_its_line(tiny_project, monkeypatch, tmp_path,
                                                                                capsys):
    """Issue 25, point 3: the ORE 2022 fixture with its third data row (line 4 of the file) set to 2023. Published
    in 2022 (--annee-publication), it cannot observe 2023: exit 2, the file, line 4, column « annee » and the value
    are named, and data/ is byte-identical. Said published in 2023, it goes in with its publication year in its
    metadata."""
    lines = (FIXTURES / "ore_long_2022.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("2022;", "2023;", 1)
    f = tmp_path / "ore_lens_2022_2023.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = tree(tiny_project.root / "data")
    assert cli(monkeypatch, tiny_project, "data", "add", str(f), "--annee-publication", "2022") == 2
    err = capsys.readouterr().err
    assert (f"fichier {f}, ligne 4, colonne « annee » : année postérieure à la publication du fichier (2022 ; donnée "
            "par --annee-publication)") in err and "(valeur lue : « 2023 »)" in err
    assert err.count("ligne ") == 1  # the other rows are 2022
    assert tree(tiny_project.root / "data") == before
    assert cli(monkeypatch, tiny_project, "data", "add", str(f), "--annee-publication", "2023") == 0
    assert "publié en 2023 (donnée par --annee-publication)" in capsys.readouterr().out
    meta = yaml.safe_load((tiny_project.raw / "energie" / f"{f.name}.meta.yml").read_text(encoding="utf-8"))
    assert (meta["years"], meta["annee_publication"], meta["annee_publication_source"]) == (
        "2022-2023", 2023, "donnée par --annee-publication")


def test_a_publication_year_from_an_option_or_a_published_name_bounds_the_years(tiny_project, monkeypatch, tmp_path,
                                                                                capsys):
    """Issue 25, point 3, where the year is not a column: a register snapshot of 31/12/2023 cannot be published in
    2022; the biomethane register's published name « _2023-05-29 » gives its publication year, which an option
    cannot contradict. Both refused with exit 2, data/ byte-identical."""
    before = tree(tiny_project.root / "data")
    assert cli(monkeypatch, tiny_project, "data", "add", str(FIXTURES / "odre_registre.csv"), "--annee-instantane",
               "2023", "--annee-publication", "2022", "--etendue", "epci") == 2
    err = capsys.readouterr().err
    assert "année postérieure à la publication du fichier (2022 ; donnée par --annee-publication) : le fichier ne " \
           "peut pas observer 2023" in err and "(valeur lue : « 2023 »)" in err
    register = tmp_path / "points-injection-biomethane_2023-05-29.csv"
    shutil.copyfile(tiny_project.raw / "renouvelables" / register.name, register)
    assert cli(monkeypatch, tiny_project, "data", "add", str(register), "--annee-publication", "2022") == 2
    assert ("année de publication contradictoire : --annee-publication 2022, mais le nom publié du fichier dit 2023"
            in capsys.readouterr().err)
    assert tree(tiny_project.root / "data") == before
