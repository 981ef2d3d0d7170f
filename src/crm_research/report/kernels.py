"""Warm kernels: a few Python kernels started once and reused by every notebook and period of a
report run, so that a period costs the notebooks' own work rather than kernel start-ups and
imports. papermill still executes each notebook (it is the record of its run); between notebooks
the kernel's namespace is reset and open figures closed. A kernel that died, hung or timed out is
shut down and replaced, never reused."""

from __future__ import annotations

import atexit
import heapq
import itertools
import os
import threading
from contextlib import contextmanager

__all__ = ["KernelPool", "RESET", "WARM", "kernel_count", "pool"]

#: run in a kernel before each notebook: nothing a previous notebook defined survives. IPython's
#: reset ends with a full garbage collection (a twentieth of a second with pandas, scipy and
#: matplotlib loaded, before every notebook); it is left to Python's own collector instead (the
#: names are gone, and with them every object no cycle holds)
RESET = ("def __reset(gc=__import__('gc')):\n"
         "    collect, gc.collect = gc.collect, (lambda generation=2: 0)\n"
         "    try:\n"
         "        get_ipython().run_line_magic('reset', '-f')\n"
         "    finally:\n"
         "        gc.collect = collect\n"
         "__reset()\n"
         "import matplotlib.pyplot as __plt\n__plt.close('all')\ndel __plt\n")


#: run once in a new kernel, while the report run is still starting: the imports of the report
#: notebooks and one drawing with the report fonts (matplotlib's font cache), so that the first
#: notebook on each kernel pays for its own work only. Modules stay loaded across the namespace reset.
WARM = ("import io as __io, warnings as __w\n"
        "import numpy, pandas, scipy.stats, matplotlib\n"
        "matplotlib.use('module://matplotlib_inline.backend_inline')\n"
        "import matplotlib.pyplot as __plt\n"
        "import crm_research, crm_research.report, crm_research.periodic, crm_research.validity\n"
        "import crm_research.regression, crm_research.reliability, crm_research.models, crm_research.sem\n"
        "import crm_research.plots.models, crm_research.plots.value, crm_research.present.plots.report\n"
        "import crm_research.present.reporting, crm_research.present.text\n"
        "from crm_research.present.plots.fonts import use_cjk_font as __cjk\n"
        "with matplotlib.rc_context(__cjk()):\n"
        "    __f = __plt.figure(figsize=(2, 1)); __f.text(0.1, 0.5, '满意度 Satisfaction 0123')\n"
        "    __f.savefig(__io.BytesIO(), format='png'); __f.savefig(__io.BytesIO(), format='svg')\n"
        "__plt.close('all')\n"
        "del __io, __w, __plt, __f, __cjk\n")


def kernel_count(notebooks: int, workers: int = 1) -> int:
    """Kernels one process of a report run keeps: two in all (one per core of the machines this
    runs on), shared by ``workers`` worker processes (at least one each), never more than there
    are notebooks."""
    return min(max(1, 2 // max(1, workers)), notebooks)


_POOL = None


def pool(verbose: bool = False) -> "KernelPool":
    """This process's warm kernels (one pool per process, reused by every period it renders)."""
    global _POOL
    if _POOL is None:
        _POOL = KernelPool(verbose=verbose)
    return _POOL


class KernelPool:
    """Kernels handed out one notebook at a time (``with pool.kernel() as km: ...``).

    At most ``size`` kernels run (None: no limit); a notebook that finds none free waits for one,
    and the waiting notebook with the smallest ``priority`` gets the next kernel freed (the report
    run gives earlier periods and longer notebooks precedence)."""

    def __init__(self, *, verbose: bool = False, startup_timeout: float = 120, size: int | None = None):
        self.verbose = verbose
        self.startup_timeout = startup_timeout
        self.size = size
        self._cond = threading.Condition()
        self._free: list = []           # idle kernels
        self._all: list = []            # every running kernel, idle or in use
        self._starting = 0              # kernels being started in the background by prestart()
        self._launching = 0             # kernels started whose process is not yet in _all
        self._waiting: list = []        # heap of (priority, ticket) of notebooks waiting for a kernel
        self._tickets = itertools.count()
        self._clean: set = set()
        self._clients: dict = {}        # kernel → its connected client
        atexit.register(self.close)

    def prestart(self, n: int) -> None:
        """Have ``n`` kernels: start as many as are missing (counting those running or still
        starting) in background threads and load the report notebooks' modules in them, while the
        caller goes on (reading periods, importing papermill). A kernel that fails to start here is
        simply not added: :meth:`kernel` starts one itself."""
        def start():
            km = None
            try:
                km = self._start()
                self._run(km, WARM)
                self._clean.add(km)     # nothing to reset before its first notebook
                with self._cond:
                    self._free.append(km)
            except Exception:
                if km is not None:      # started but not warmed: shut it down, not left idle
                    self._discard(km)
            finally:
                with self._cond:
                    self._starting -= 1
                    self._cond.notify_all()

        with self._cond:
            n = max(0, n - len(self._all) - self._launching)
            self._starting += n
            self._launching += n
        for _ in range(n):
            threading.Thread(target=start, daemon=True).start()

    def _start(self):
        """Start a kernel whose place :meth:`prestart` or :meth:`_take` reserved (``_launching``):
        once running it counts in ``_all`` instead; if it cannot start, the place is given back."""
        try:
            km = self._launch()
        except BaseException:
            with self._cond:
                self._launching -= 1
                self._cond.notify_all()
            raise
        with self._cond:
            self._all.append(km)
            self._launching -= 1
        return km

    def _launch(self):
        from jupyter_client import KernelManager

        km = KernelManager(kernel_name="python3")
        # one BLAS thread per kernel: the kernels already run side by side, one per core, and
        # BLAS threads of two kernels competing for the same cores slow both (unless the operator
        # chose a thread count)
        env = dict(os.environ)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(var, "1")
        # the kernel's own log (transport warnings, shutdown interrupts) only with --verbose
        km.start_kernel(extra_arguments=[] if self.verbose else ["--IPKernelApp.log_level=CRITICAL"], env=env)
        # one client per kernel, connected once and handed to papermill for every notebook the
        # kernel runs: a new client waits for the kernel and then listens 0.2 s for stray output
        # before its first cell (nbclient), a fifth of a second per notebook
        kc = km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except BaseException:
            kc.stop_channels()
            try:
                km.shutdown_kernel(now=True)
            except Exception:
                pass
            raise
        with self._cond:
            self._clients[km] = kc
        return km

    def client(self, km):
        """The connected client of ``km`` (used by one notebook at a time, like its kernel)."""
        return self._clients[km]

    def _run(self, km, code: str) -> None:
        reply = self.client(km).execute_interactive(code, timeout=60, store_history=False,
                                                    output_hook=lambda msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel set-up failed: {reply['content'].get('evalue', '')}")

    def _take(self, priority):
        """A free kernel for the waiting notebook of smallest priority; None when that notebook may
        start a kernel itself (the pool is below its size; with no size, when none is starting)."""
        ticket = (priority, next(self._tickets))
        with self._cond:
            heapq.heappush(self._waiting, ticket)
            try:
                while True:
                    if self._waiting[0] == ticket:
                        if self._free:
                            return self._free.pop(0)
                        room = (self._starting <= 0 if self.size is None
                                else len(self._all) + self._launching < self.size)
                        if room:
                            self._launching += 1        # this notebook's kernel, counted until it runs
                            return None
                    self._cond.wait(timeout=1.0)
            finally:
                self._waiting.remove(ticket)
                heapq.heapify(self._waiting)
                self._cond.notify_all()

    @contextmanager
    def kernel(self, priority=()):
        """A kernel with an empty namespace; put back after a clean run, replaced after a failure."""
        km = self._take(priority)
        if km is not None:
            try:
                if not km.is_alive():
                    raise RuntimeError("kernel died")
                if km in self._clean:
                    self._clean.discard(km)
                else:
                    self._run(km, RESET)
            except Exception:
                self._discard(km, reserve=True)     # its place goes to the kernel started next
                km = None
        if km is None:
            km = self._start()
        try:
            yield km
        except BaseException:
            self._discard(km)
            raise
        with self._cond:
            self._free.append(km)
            self._cond.notify_all()

    def _discard(self, km, reserve: bool = False) -> None:
        with self._cond:
            kc = self._clients.pop(km, None)
        if kc is not None:
            kc.stop_channels()
        try:
            km.shutdown_kernel(now=True)
        except Exception:
            pass
        with self._cond:
            if km in self._all:
                self._all.remove(km)
            if reserve:
                self._launching += 1
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            kms, self._all = list(self._all), []
            kcs, self._clients = list(self._clients.values()), {}
            self._free = []
        for kc in kcs:
            kc.stop_channels()

        def stop(km):
            try:
                km.shutdown_kernel(now=True)
            except Exception:
                pass

        # side by side: each shutdown polls until its process is gone (0.1 s steps)
        stopping = [threading.Thread(target=stop, args=(km,)) for km in kms]
        for t in stopping:
            t.start()
        for t in stopping:
            t.join(10)
