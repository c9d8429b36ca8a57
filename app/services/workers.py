"""Worker processes run at a lower CPU priority than the server, so pages keep answering while they work.

- PDF workers (`lower_priority`): nice 10. Certificates are rendered while a payer waits for them.
- The roster reader (`idle_priority`): Linux's SCHED_IDLE, falling back to nice 19. Parsing a file is
  batch work: it runs on whatever CPU the server leaves, and a request that wakes up takes the CPU from it
  at once (with nice alone, a woken request still waited out the reader's time slice; docs/benchmarks.md).
  Under a CPU that stays saturated, an import then slows down rather than every page.
"""

from __future__ import annotations

import os

NICENESS = 10


def lower_priority() -> None:
    """A process pool's initializer."""
    try:
        os.nice(NICENESS)
    except OSError:  # not permitted here: run at the normal priority
        pass


def idle_priority() -> None:
    """A process pool's initializer."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or not permitted
        try:
            os.nice(19)
        except OSError:
            pass
