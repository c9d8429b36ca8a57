"""Worker processes run at a lower CPU priority than the server, so pages keep answering while they work.

- PDF workers (`lower_priority`): nice 10. Someone may be waiting for a document, so they are not idle.
- The roster reader (`idle_priority`): Linux's SCHED_IDLE, falling back to nice 19. Parsing a file is
  batch work: it runs on whatever CPU the server leaves, and a request that wakes up takes the CPU from it
  at once (with nice alone, a woken request still waited out the reader's time slice; docs/benchmarks.md).
  Under a CPU that stays saturated, an import then slows down rather than every page.

Both leave with their server: the server shuts its pools down when it stops, and a worker whose server
died without doing so (killed) notices within a second and exits, instead of living on as an orphan.
"""

from __future__ import annotations

import os
import threading
import time

NICENESS = 10
PARENT_CHECK_SECONDS = 1.0


def _exit_with_parent() -> None:
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(PARENT_CHECK_SECONDS)
            if os.getppid() != parent:  # re-parented: the server is gone
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def lower_priority() -> None:
    """A process pool's initializer."""
    _exit_with_parent()
    try:
        os.nice(NICENESS)
    except OSError:  # not permitted here: run at the normal priority
        pass


def idle_priority() -> None:
    """A process pool's initializer."""
    _exit_with_parent()
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or not permitted
        try:
            os.nice(19)
        except OSError:
            pass
