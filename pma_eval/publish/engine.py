"""A Papermill engine that runs a report notebook's cells in the calling process.

Papermill's default engine starts a Jupyter kernel per notebook: a new process that imports pandas,
matplotlib, statsmodels and the package again (≈ 1,8 s of CPU per report here) and talks to it over
ZMQ. The report notebooks only call into :mod:`pma_eval` and display blocks, so the yearly run executes
them in its own (worker) process, through Papermill's documented engine interface
(``papermill.engines.Engine.execute_managed_notebook``): Papermill still injects the parameters,
records each cell's state, keeps a failed notebook with its traceback and raises
``PapermillExecutionError``. The notebooks stay ordinary notebooks: an analyst runs them in JupyterLab,
and ``engine="nbclient"`` (Papermill's default, a real kernel) gives the same published files (a test
compares them).

Each notebook starts from an empty namespace (``InteractiveShell.reset``): a notebook never sees the
variables of the one before it. Modules stay imported, which is the point. Inside a process that already
has an IPython shell (``run_report`` called from a notebook in JupyterLab), :func:`available` is false and
``run_report`` uses a kernel instead.
"""

from __future__ import annotations

import contextlib
import sys
import warnings

import nbformat
from papermill.engines import Engine, papermill_engines

#: Name under which the engine is registered with Papermill.
ENGINE_NAME = "pma_eval"


class _Stream:
    """A file-like object appending what a cell prints to its outputs (consecutive writes merged)."""

    def __init__(self, outputs: list, name: str):
        self.outputs, self.name = outputs, name

    def write(self, text: str) -> int:
        if text:
            last = self.outputs[-1] if self.outputs else None
            if last is not None and last.get("output_type") == "stream" and last.get("name") == self.name:
                last["text"] += text
            else:
                self.outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


_SHELL = None


def available() -> bool:
    """Whether this process can run notebooks in-process: not when another IPython shell already runs in it
    (``run_report`` called from JupyterLab, say) — displays would go to that shell's notebook."""
    from IPython.core.interactiveshell import InteractiveShell

    return _SHELL is not None or not InteractiveShell.initialized()


def _shell():
    """The process's one IPython shell, made to record displays, results and errors as notebook outputs."""
    global _SHELL
    if _SHELL is not None:
        return _SHELL
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            self.shell._outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

        def clear_output(self, wait=False):
            self.shell._outputs.clear()

    class Hook(DisplayHook):  # the value of a cell's last expression, as Jupyter shows it
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell._outputs.append(nbformat.v4.new_output(
                "execute_result", data=format_dict, metadata=md_dict or {}, execution_count=self.shell._count))

        def finish_displayhook(self):
            self._is_active = False

    class Shell(InteractiveShell):
        _outputs: list = []
        _count: int = 0

        def _showtraceback(self, etype, evalue, stb):  # as ipykernel does: an error output, not a print
            self._outputs.append(nbformat.v4.new_output("error", ename=etype.__name__, evalue=str(evalue),
                                                        traceback=list(stb)))

    config = Config()
    config.HistoryManager.enabled = False  # no SQLite history under ~/.ipython
    shell = Shell.instance(config=config, colors="nocolor")
    shell.display_pub = Publisher(shell=shell, parent=shell)
    shell.displayhook = Hook(shell=shell, parent=shell, cache_size=0)
    shell.display_trap.hook = shell.displayhook
    _SHELL = shell
    return shell


class InProcessEngine(Engine):
    """Execute the cells in this process's IPython shell (see the module docstring)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        shell = _shell()
        shell.reset(new_session=False)
        shell._count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            nb_man.cell_start(cell, index)
            shell._count += 1
            cell.execution_count = shell._count
            outputs: list = []
            shell._outputs = outputs
            with contextlib.redirect_stdout(_Stream(outputs, "stdout")), \
                    contextlib.redirect_stderr(_Stream(outputs, "stderr")), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = shell.run_cell(cell.source, store_history=False)
            cell.outputs = outputs
            if isinstance(result.error_in_exec, KeyboardInterrupt):
                raise KeyboardInterrupt  # Ctrl-C stops the run, as it stops a kernel's; not a failed cell
            failed = result.error_before_exec or result.error_in_exec
            if failed is not None:
                nb_man.cell_exception(cell, index)
                nb_man.cell_complete(cell, index)
                break
            nb_man.cell_complete(cell, index)
        shell.reset(new_session=False)  # release the notebook's objects (figures, frames) now
        shell._outputs = []  # a display after the notebook goes nowhere, not into its last cell
        sys.stdout.flush()


papermill_engines.register(ENGINE_NAME, InProcessEngine)
