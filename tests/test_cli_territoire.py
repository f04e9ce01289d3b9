"""``--territoire`` on every command that works on a territory (issue 27): the data commands take it too, and an
undeclared territory is refused with exit 2 before pandas is imported (what keeps the refusal under a second on a
loaded machine)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pma_eval.cli import build_parser

from .conftest import REPO

#: Every command that takes ``--territoire`` for a declared territory, with the other arguments it needs.
COMMANDS = [
    ["data", "build"], ["data", "demo"], ["data", "add", "fichier.csv"], ["data", "retire", "data/raw/x.csv"],
    ["data", "fetch", "ore"], ["data", "etat"], ["indicators", "export", "--out", "x.csv"],
    ["report", "annual", "--year", "2023"], ["report", "scenarios", "--year", "2023"], ["fiches", "--year", "2023"],
    ["visuels", "--year", "2023"], ["run", "--year", "2023"], ["verify", "reports/2023/X/manifest.json"],
]


@pytest.mark.parametrize("argv", [["data", "add", "f.csv"], ["data", "retire", "f.csv"], ["data", "fetch"]],
                         ids=lambda a: " ".join(a))
def test_the_data_commands_take_the_territory(argv):
    args = build_parser().parse_args([*argv, "--territoire", "douaisis"])
    assert args.territoire_id == "douaisis"


def test_an_undeclared_territory_is_refused_by_every_command_before_pandas(tmp_path):
    (tmp_path / "territoires").mkdir()
    (tmp_path / "territoires" / "pma.yml").write_bytes((REPO / "territoires" / "pma.yml").read_bytes())
    code = (
        "import sys, json\n"
        "from pma_eval.cli import main\n"
        f"commands = {COMMANDS!r} + [['lot', '--territoires', 'nulpart']]\n"
        "out = []\n"
        "for argv in commands:\n"
        "    flag = [] if argv[0] == 'lot' else ['--territoire', 'nulpart']\n"
        "    out.append((argv, main(argv + flag), 'pandas' in sys.modules))\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={**__import__("os").environ, "PMA_EVAL_ROOT": str(tmp_path)}, check=True)
    import json

    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert [(" ".join(a), c, p) for a, c, p in results] == [(" ".join(a), 2, False) for a, _, _ in results]
    # the report commands also name the values they admit (the territory in use's whole and EPCIs)
    assert (done.stderr.count("territoire non déclaré : « nulpart »")
            + done.stderr.count("territoire inconnu : « nulpart »")) == len(results)


def test_fetch_takes_options_without_sources_and_refuses_an_unknown_source(tmp_path, monkeypatch, capsys):
    """« data fetch --annees 2020 » once failed in argparse (Python 3.11 checked the empty list of sources against
    their choices)."""
    from pma_eval.cli import main

    args = build_parser().parse_args(["data", "fetch", "--annees", "2020"])
    assert args.sources == [] and args.annees == "2020"
    monkeypatch.setenv("PMA_EVAL_ROOT", str(tmp_path))
    assert main(["data", "fetch", "enedis"]) == 2
    assert "source inconnue : enedis (choix : ore, odre)" in capsys.readouterr().err
