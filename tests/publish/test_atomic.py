"""The one atomic writer: all or nothing, and what killed runs leave is cleaned up."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pma_eval.atomic import atomic_file, atomic_folder


def test_success_replaces_the_folder_whole(tmp_path):
    final = tmp_path / "sortie"
    final.mkdir()
    (final / "ancien.txt").write_text("a")
    with atomic_folder(final) as tmp:
        (tmp / "nouveau.txt").write_text("b")
    assert sorted(p.name for p in final.iterdir()) == ["nouveau.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie"]  # nothing left beside it


def test_failure_leaves_the_previous_folder_untouched(tmp_path):
    final = tmp_path / "sortie"
    final.mkdir()
    (final / "ancien.txt").write_text("a")
    with pytest.raises(RuntimeError):
        with atomic_folder(final) as tmp:
            (tmp / "moitie.txt").write_text("b")
            raise RuntimeError("échec au milieu")
    assert [p.name for p in final.iterdir()] == ["ancien.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie"]


def test_leftovers_of_a_dead_process_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)  # that process has exited
    (tmp_path / f".sortie.tmp-{pid}-abc").mkdir()
    (tmp_path / f".sortie.old-{pid}").mkdir()
    with atomic_folder(tmp_path / "sortie") as tmp:
        (tmp / "x").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sortie"]


def test_atomic_file(tmp_path):
    out = tmp_path / "export.csv"
    out.write_text("ancien")
    with pytest.raises(ValueError):
        with atomic_file(out) as tmp:
            tmp.write_text("moitié")
            raise ValueError
    assert out.read_text() == "ancien" and sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]
    with atomic_file(out) as tmp:
        tmp.write_text("nouveau")
    assert out.read_text() == "nouveau"
