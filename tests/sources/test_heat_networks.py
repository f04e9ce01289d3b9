"""SDES IRIS heat/cold files (heat networks): real rows copied from the published releases, hand sums."""

from __future__ import annotations

import math

import pytest

from pma_eval.errors import InputDataError
from pma_eval.sources.heat_networks import heat_by_commune, read_heat_networks
from pma_eval.sources.layouts import identify

# The two header rows of the 2023-09 release (labels, then codes; ID first, IRIS not IRIS_CODE).
HEAD_2023 = ('"index";"Nom de l\'opérateur";"Millésime des données";"Code de l\'IRIS - Code de la zone";'
             '"Code de l\'IRIS - Libellé de la zone";"Energie concernée";"Code du grand secteur";'
             '"Consommation (en MWh)";"Nombre de points de livraison"\n'
             '"ID";"OPERATEUR";"ANNEE";"IRIS";"IRIS_LIBELLE";"FILIERE";"CODE_GRAND_SECTEUR";"CONSO";"PDL"\n')
LENS_2023 = '''"6203C";"Réseau de chaleur de Lens";"2023";"624980103";"Lens Nord-Ouest 3";"C";"T";"secret";"secret"
"6203C";"Réseau de chaleur de Lens";"2023";"624980105";"Lens Nord-Ouest 5";"C";"T";748.969970703125;1
"6203C";"Réseau de chaleur de Lens";"2023";"624980204";"Lens Nord-Est 4";"C";"R";5772.44503021239;11
"6203C";"Réseau de chaleur de Lens";"2023";"624980204";"Lens Nord-Est 4";"C";"T";208.660003662109;1
"6203C";"Réseau de chaleur de Lens";"2023";"624980205";"Lens Nord-Est 5";"C";"R";2171.81002807617;4
"6203C";"Réseau de chaleur de Lens";"2023";"624980205";"Lens Nord-Est 5";"C";"T";1148.23997497558;5
"6203C";"Réseau de chaleur de Lens";"2023";"624980206";"Lens Nord-Est 6";"C";"R";1638.06802368164;5
"6203C";"Réseau de chaleur de Lens";"2023";"624980206";"Lens Nord-Est 6";"C";"T";6541.57604217529;15
"6203C";"Réseau de chaleur de Lens";"2023";"624980207";"Lens Nord-Est 7";"C";"T";14559.840171814;3
"6203C";"Réseau de chaleur de Lens";"2023";"624980301";"Lens Est 1";"C";"R";285.710006713866;2
"6203C";"Réseau de chaleur de Lens";"2023";"624980301";"Lens Est 1";"C";"T";1476.78999328613;5
'''
BETHUNE_2023 = '''"6204C";"Réseau de chaleur de Béthune";"2023";"621190101";"Centre Ville";"C";"R";2999.81608581543;5
"6204C";"Réseau de chaleur de Béthune";"2023";"621190101";"Centre Ville";"C";"T";8644.83912658691;18
"6204C";"Réseau de chaleur de Béthune";"2023";"621190102";"Catorive Mont Sorel Rabat Espace Industriel Fleming";"C";"T";3351.78002929687;4
"6204C";"Réseau de chaleur de Béthune";"2023";"621190104";"Pierrette Jardin Public";"C";"R";1330.65399169922;4
"6204C";"Réseau de chaleur de Béthune";"2023";"621190104";"Pierrette Jardin Public";"C";"T";1984.28601074219;4
"6204C";"Réseau de chaleur de Béthune";"2023";"621190105";"Gare";"C";"R";1779.95997619629;5
"6204C";"Réseau de chaleur de Béthune";"2023";"621190105";"Gare";"C";"T";3297.73998069763;8
"6204C";"Réseau de chaleur de Béthune";"2023";"621190106";"Mont Liebaut";"C";"R";7585.03500747679;38
"6204C";"Réseau de chaleur de Béthune";"2023";"621190106";"Mont Liebaut";"C";"T";2106.21800231933;13
"6204C";"Réseau de chaleur de Béthune";"2023";"621190107";"Cheminots Huit Ter";"C";"R";928.160018920897;2
"6204C";"Réseau de chaleur de Béthune";"2023";"621190107";"Cheminots Huit Ter";"C";"T";590.174003601074;3
"6204C";"Réseau de chaleur de Béthune";"2023";"621190108";"Rue de Lille-Faubourg d'Arras";"C";"T";5782.28896999358;11
"6204C";"Réseau de chaleur de Béthune";"2023";"621260103";"Quinzy-ZAC-Ballon";"C";"T";9063.29998779297;4
'''
# The 2020-10 release: no ID, IRIS_CODE, FILIERE third; five 2018 rows labelled « Béthune » (mojibake) in Lens IRIS.
HEAD_2020 = ('"Nom de l\'opérateur";"Millésime des données";"Énergie concernée";"Code de l\'IRIS - Code de la zone";'
             '"Code de l\'IRIS - Libellé de la zone";"Code du grand secteur";"Consommation (en MWh)";'
             '"Nombre de points de livraison"\n'
             '"OPERATEUR";"ANNEE";"FILIERE";"IRIS_CODE";"IRIS_LIBELLE";"CODE_GRAND_SECTEUR";"CONSO";"PDL"\n')
LENS_2018 = '''"Réseau de chaleur de BÃ©thune";"2018";"C";"624980204";"lens nord est 4";"X";13768.57055;17
"Réseau de chaleur de BÃ©thune";"2018";"C";"624980205";"lens nord est 5";"X";12148.73872;15
"Réseau de chaleur de BÃ©thune";"2018";"C";"624980206";"lens nord est 6";"X";9718.990979;12
"Réseau de chaleur de BÃ©thune";"2018";"C";"624980207";"lens nord est 7";"X";809.9159149;1
"Réseau de chaleur de BÃ©thune";"2018";"C";"624980301";"lens est 1";"X";1619.83183;2
"Oyonnax Biochaleur";"2018";"C";"010310000";"Bellignat (commune non irisée)";"X";"secret";"secret"
'''
# The 2022-09 release: « ? » for accents in the label row; « nd » in sector, consumption and points.
HEAD_2022 = ('"index";"Nom de l\'op?rateur";"Mill?sime des donn?es";"Code de l\'IRIS - Code de la zone";'
             '"Code de l\'IRIS - Libellé de la zone";"?nergie concern?e";"Code du grand secteur";'
             '"Consommation (en MWh)";"Nombre de points de livraison"\n'
             '"ID";"OPERATEUR";"ANNEE";"IRIS_CODE";"IRIS_LIBELLE";"FILIERE";"CODE_GRAND_SECTEUR";"CONSO";"PDL"\n')
LIEVIN_2022 = '''"6206C";"R?seau de chaleur de Li?vin";"2022";"625100101";"Quartier du Centre 1";"C";"R";517.169982910156;1
"6206C";"R?seau de chaleur de Li?vin";"2022";"625100103";"Quartier du Centre 3";"C";"R";"secret";"secret"
"6206C";"R?seau de chaleur de Li?vin";"2022";"625100103";"Quartier du Centre 3";"C";"T";358.829986572265;1
"6212C";"R?seau de chaleur Le Portel-Outreau";"2022";"626430103";"Tour du Mont Soleil";"C";"nd";"nd";"nd"
"6212C";"R?seau de chaleur Le Portel-Outreau";"2022";"626430105";"ZAC";"C";"nd";"nd";"nd"
'''


def _file(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_2023_bethune_complete_and_lens_a_minimum(tmp_path):
    path = _file(tmp_path, "c.2023-09.csv", HEAD_2023 + LENS_2023 + BETHUNE_2023)
    assert identify(path).id == "sdes_iris_chaleur"
    df = read_heat_networks(path, communes={"62119", "62498"})
    totals = heat_by_commune(df).set_index("geo_code")
    bethune = (2999.81608581543 + 8644.83912658691 + 3351.78002929687 + 1330.65399169922 + 1984.28601074219
               + 1779.95997619629 + 3297.73998069763 + 7585.03500747679 + 2106.21800231933 + 928.160018920897
               + 590.174003601074 + 5782.28896999358)
    assert round(bethune, 1) == 40381.0
    assert totals.at["62119", "value"] == pytest.approx(bethune)
    assert bool(totals.at["62119", "complete"]) and totals.at["62119", "unknown_cells"] == 0
    lens = (748.969970703125 + 5772.44503021239 + 208.660003662109 + 2171.81002807617 + 1148.23997497558
            + 1638.06802368164 + 6541.57604217529 + 14559.840171814 + 285.710006713866 + 1476.78999328613)
    assert round(lens, 1) == 34552.1
    assert totals.at["62498", "value"] == pytest.approx(lens)
    assert not totals.at["62498", "complete"] and totals.at["62498", "unknown_cells"] == 1
    # by sector: Lens tertiary is the minimum (its secret cell), residential complete
    lens_t = df.set_index(["geo_code", "sector"]).loc[("62498", "tertiaire")]
    assert lens_t["value"] == pytest.approx(748.969970703125 + 208.660003662109 + 1148.23997497558
                                            + 6541.57604217529 + 14559.840171814 + 1476.78999328613)
    assert not lens_t["complete"] and lens_t["nature"] == "observed"
    assert df.set_index(["geo_code", "sector"]).loc[("62498", "residentiel"), "complete"]
    # Beuvry (62126) is not in the territory given: left out and counted
    assert df.attrs["outside"] == {"rows": 1, "communes": 1}
    assert set(df["carrier"]) == {"chaleur_reseau"}


def test_2018_rows_labelled_bethune_in_lens_iris_go_to_lens(tmp_path):
    path = _file(tmp_path, "c.2020-10.csv", HEAD_2020 + LENS_2018)
    df = read_heat_networks(path, communes={"62119", "62498"})
    assert list(df["geo_code"]) == ["62498"]
    assert df.at[0, "year"] == 2018 and df.at[0, "sector"] == "non_affecte"
    assert df.at[0, "value"] == pytest.approx(13768.57055 + 12148.73872 + 9718.990979 + 809.9159149 + 1619.83183)
    assert df.at[0, "delivery_points"] == 17 + 15 + 12 + 1 + 2
    assert df.attrs["outside"] == {"rows": 1, "communes": 1}  # Bellignat, secret, elsewhere


def test_2022_label_row_with_question_marks_and_nd_unknown(tmp_path):
    path = _file(tmp_path, "c.2022-09.csv", HEAD_2022 + LIEVIN_2022)
    assert identify(path).id == "sdes_iris_chaleur"
    df = read_heat_networks(path, communes={"62510", "62643"}).set_index(["geo_code", "sector"])
    # Liévin residential: one known cell and one secret → a minimum, never 0
    assert df.at[("62510", "residentiel"), "value"] == pytest.approx(517.169982910156)
    assert not df.at[("62510", "residentiel"), "complete"]
    assert df.at[("62510", "tertiaire"), "value"] == pytest.approx(358.829986572265)
    # Le Portel (62643): « nd » everywhere — unknown (NaN, secret), not 0
    portel = df.loc[("62643", "non_affecte")]
    assert math.isnan(portel["value"]) and portel["nature"] == "secret" and portel["unknown_cells"] == 2


def test_cold_is_not_read_and_the_code_row_is_required(tmp_path):
    cold = '"0101F";"Réseau de froid";"2023";"621190101";"Centre Ville";"F";"T";100;1\n'
    df = read_heat_networks(_file(tmp_path, "f.csv", HEAD_2023 + cold + BETHUNE_2023.splitlines()[0] + "\n"))
    assert df["value"].sum() == pytest.approx(2999.81608581543) and df.attrs["cold_rows"] == 1
    labels_only = HEAD_2023.splitlines()[0] + "\n" + BETHUNE_2023
    with pytest.raises(InputDataError, match="deuxième ligne d'en-tête"):
        read_heat_networks(_file(tmp_path, "g.csv", labels_only))
