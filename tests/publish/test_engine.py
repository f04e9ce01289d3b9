"""The in-process Papermill engine (issue 24): what it records, and when it steps aside for a kernel."""

from __future__ import annotations

import nbformat
import pytest


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("x: int = 1", metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(s) for s in sources)]
    return nb


def test_cells_run_in_process_with_parameters_displays_and_results(tmp_path):
    import papermill

    from pma_eval.publish import engine

    nb = papermill.execute_notebook(
        _notebook("from IPython.display import HTML, display\ndisplay(HTML(f'<b>{x * 2}</b>'))", "print('vu')",
                  "x + 40", "y = 1"),
        None, parameters={"x": 2}, engine_name=engine.ENGINE_NAME, kernel_name="python3", progress_bar=False)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[2].outputs[0]["data"]["text/html"] == "<b>4</b>"  # the injected parameter x = 2 was used
    assert code[3].outputs[0]["text"] == "vu\n"
    assert code[4].outputs[0]["output_type"] == "execute_result" and code[4].outputs[0]["data"]["text/plain"] == "42"
    # a second notebook starts from an empty namespace
    again = papermill.execute_notebook(_notebook("'y' in dir()"), None, engine_name=engine.ENGINE_NAME,
                                       kernel_name="python3", progress_bar=False)
    assert again.cells[-1].outputs[0]["data"]["text/plain"] == "False"


def test_a_failing_cell_is_kept_with_its_error_and_stops_the_notebook(tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from pma_eval.publish import engine

    out = tmp_path / "echec.ipynb"
    with pytest.raises(PapermillExecutionError) as exc:
        papermill.execute_notebook(_notebook("raise ValueError('injectée')", "print('jamais')"), str(out),
                                   engine_name=engine.ENGINE_NAME, kernel_name="python3", progress_bar=False,
                                   request_save_on_cell_execute=False)
    assert exc.value.ename == "ValueError" and exc.value.evalue == "injectée"
    kept = nbformat.read(out, as_version=4)  # written once, with the traceback
    errors = [o for c in kept.cells if c.cell_type == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1 and not kept.cells[-1].outputs  # the next cell never ran


def test_inside_another_ipython_shell_the_report_uses_a_kernel(monkeypatch, built_paths, tmp_path):
    """Called from JupyterLab, displays would go to the analyst's notebook: run_report takes a kernel."""
    import papermill
    from IPython.core.interactiveshell import InteractiveShell

    from pma_eval.publish import engine, run_report

    monkeypatch.setattr(engine, "_SHELL", None)
    monkeypatch.setattr(InteractiveShell, "initialized", classmethod(lambda cls: True))
    assert not engine.available()
    seen = {}

    def fake(*args, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("arrêt voulu")

    monkeypatch.setattr(papermill, "execute_notebook", fake)
    with pytest.raises(RuntimeError, match="arrêt voulu"):
        run_report("annual", {"year": 2023, "territoire": "CAHC"}, "t", built_paths, out_dir=tmp_path / "x")
    assert seen["engine_name"] == "nbclient" and "kernel_manager_class" in seen


def test_errors_raised_in_a_worker_process_reach_the_parent_whole():
    """The yearly run's steps run in worker processes: their errors come back pickled, problems and all."""
    import pickle
    from pathlib import Path

    from pma_eval.errors import InputDataError, Problem
    from pma_eval.publish.report import ReportFailed

    e = pickle.loads(pickle.dumps(InputDataError([Problem("scenarios/turbine.yml", "clé inconnue", line=3)])))
    assert [p.line for p in e.problems] == [3] and str(e).startswith("1 problème dans les données d'entrée")
    r = pickle.loads(pickle.dumps(ReportFailed("le carnet a échoué", Path("x.ipynb"))))
    assert str(r) == "le carnet a échoué" and r.notebook == Path("x.ipynb") and r.exit_code == 1


def _worker_dies(*args):
    import os

    os._exit(9)  # as a segmentation fault or the kernel's out-of-memory killer would end it


def _worker_works(*args):
    return None


def test_a_worker_that_dies_fails_its_step_and_the_run_goes_on():
    """Issue 24: a notebook used to crash its own kernel only; now it runs in a pool worker. A dead worker fails
    the steps it takes down (a French line in the journal), never the whole run."""
    from pma_eval.publish import run

    recorded = {}
    steps = [("visuels", "visuals", _worker_dies, ())]
    with run._executor(2) as pool:
        failures = run._run_steps(steps, pool, lambda k, status, *a, message=None: recorded.update({k: (status, message)}),
                                  2023, None)
    assert failures == 1 and recorded == {1: ("failed", run.CRASHED)}
    recorded.clear()
    failures = run._run_steps([("export", "export", _worker_works, ())], None,
                              lambda k, status, *a, message=None: recorded.update({k: status}), 2023, None)
    assert failures == 0 and recorded == {1: "ok"}
