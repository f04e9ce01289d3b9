"""The install files agree with each other."""

import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_name(d) for d in project["dependencies"]} | {_name(d) for d in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == wanted
    pip_part = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert "-e ." in pip_part


def test_lock_pins_every_direct_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lock = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = version
    for dep in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert _name(dep) in lock, f"{dep} is not pinned in requirements.lock"


def test_report_notebooks_are_committed_without_outputs():
    """Report notebooks are templates run by Papermill; the exploratory ones keep their outputs on
    purpose (tests/publish/test_notebooks.py)."""
    import nbformat

    for path in (REPO / "notebooks" / "reports").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs, f"{path.name} has outputs"


def test_every_raw_file_has_metadata_with_a_matching_checksum():
    import hashlib

    for path in (REPO / "data" / "raw").rglob("*"):
        if path.is_dir() or path.name.endswith(".meta.yml") or path.name.startswith("README"):
            continue
        meta_path = path.with_name(path.name + ".meta.yml")
        assert meta_path.exists(), path
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
        for key in ("title", "producer", "licence", "years", "nature", "sha256"):
            assert meta.get(key) not in (None, ""), f"{meta_path.name}: {key}"
        assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), path


def test_reading_a_notebook_does_not_compile_a_grammar():
    """Issue 24: jsonschema 4.25 and later import rfc3987-syntax, which compiles a Lark grammar when imported: 2,8 s of
    CPU in every process that imports nbformat (each report, each command, each test worker). The lock keeps jsonschema
    below 4.25 (pyproject.toml), so that importing nbformat, as Papermill does, imports neither."""
    import subprocess
    import sys

    code = "import sys, nbformat, papermill; print(sorted({'rfc3987_syntax', 'lark'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
