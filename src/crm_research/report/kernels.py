"""Warm kernels: a few Python kernels started once and reused by every notebook and period of a
report run, so that a period costs the notebooks' own work rather than kernel start-ups and
imports. papermill still executes each notebook (it is the record of its run); between notebooks
the kernel's namespace is reset and open figures closed. A kernel that died, hung or timed out is
shut down and replaced, never reused."""

from __future__ import annotations

import atexit
import queue
import threading
from contextlib import contextmanager

__all__ = ["KernelPool", "RESET"]

#: run in a kernel before each notebook: nothing a previous notebook defined survives
RESET = ("get_ipython().run_line_magic('reset', '-f')\n"
         "import matplotlib.pyplot as __plt\n__plt.close('all')\ndel __plt\n")


class KernelPool:
    """Kernels handed out one notebook at a time (``with pool.kernel() as km: ...``)."""

    def __init__(self, *, verbose: bool = False, startup_timeout: float = 120):
        self.verbose = verbose
        self.startup_timeout = startup_timeout
        self._free: queue.SimpleQueue = queue.SimpleQueue()
        self._all: list = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    def _start(self):
        from jupyter_client import KernelManager

        km = KernelManager(kernel_name="python3")
        # the kernel's own log (transport warnings, shutdown interrupts) only with --verbose
        km.start_kernel(extra_arguments=[] if self.verbose else ["--IPKernelApp.log_level=CRITICAL"])
        kc = km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        finally:
            kc.stop_channels()
        with self._lock:
            self._all.append(km)
        return km

    def _reset(self, km) -> None:
        kc = km.blocking_client()
        kc.start_channels()
        try:
            reply = kc.execute_interactive(RESET, timeout=60, store_history=False, output_hook=lambda msg: None)
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue', '')}")

    @contextmanager
    def kernel(self):
        """A kernel with an empty namespace; put back after a clean run, replaced after a failure."""
        try:
            km = self._free.get_nowait()
        except queue.Empty:
            km = None
        if km is not None:
            try:
                if not km.is_alive():
                    raise RuntimeError("kernel died")
                self._reset(km)
            except Exception:
                self._discard(km)
                km = None
        if km is None:
            km = self._start()
        try:
            yield km
        except BaseException:
            self._discard(km)
            raise
        self._free.put(km)

    def _discard(self, km) -> None:
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            pass
        with self._lock:
            if km in self._all:
                self._all.remove(km)

    def close(self) -> None:
        with self._lock:
            kms, self._all = list(self._all), []
        for km in kms:
            try:
                km.shutdown_kernel(now=True)
            except Exception:
                pass
