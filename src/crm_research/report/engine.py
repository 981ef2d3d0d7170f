"""The papermill engine of the report run: papermill's own nbclient engine and notebook client,
with two differences that matter for a warm kernel running page after page:

- it executes through the kernel's client that the kernel pool connected once (``kc=``), rather
  than connecting a new client per notebook, which waits for the kernel and then listens 0.2 s for
  stray output before the first cell;
- it writes the executed notebook when the run starts, when a cell has run long (papermill's
  autosave) and when the run ends or fails, not before and after every cell while the kernel
  waits (the whole notebook, figures included, each time).

The notebook written at the end is the same record papermill writes."""

from __future__ import annotations

__all__ = ["ENGINE", "register"]

#: the name the engine is registered under with papermill
ENGINE = "crm_research"
_REGISTERED = False


def register() -> str:
    """Register the engine with papermill (once per process) and return its name."""
    global _REGISTERED
    if _REGISTERED:
        return ENGINE
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    class RecordAtEnds(NotebookExecutionManager):
        """Skips the write papermill makes at the start and at the end of every cell."""

        _between = False        # inside papermill's own cell_start/cell_complete

        def _unsaved(self, step, *args, **kwargs):
            self._between = True
            try:
                step(*args, **kwargs)
            finally:
                self._between = False

        def cell_start(self, cell, cell_index=None, **kwargs):
            self._unsaved(super().cell_start, cell, cell_index, **kwargs)

        def cell_complete(self, cell, cell_index=None, **kwargs):
            self._unsaved(super().cell_complete, cell, cell_index, **kwargs)

        def save(self, **kwargs):
            if not self._between:
                super().save(**kwargs)

    class ReportEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, kc=None, km=None, execution_timeout=None,
                                     start_timeout=60, log_output=False, **kwargs):
            from papermill.clientwrap import PapermillNotebookClient
            from papermill.log import logger

            nb_man.__class__ = RecordAtEnds     # papermill built the manager; it keeps its state
            if kc is None:
                return super().execute_managed_notebook(nb_man, kernel_name, km=km, execution_timeout=execution_timeout,
                                                        start_timeout=start_timeout, log_output=log_output, **kwargs)
            client = PapermillNotebookClient(nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logger, log_output=log_output)
            # the kernel's client, connected once by the kernel pool: a new one would wait for
            # the kernel and then listen 0.2 s for stray output before the first cell
            client.kc = kc
            return client.execute()

    papermill_engines.register(ENGINE, ReportEngine)
    _REGISTERED = True
    return ENGINE
