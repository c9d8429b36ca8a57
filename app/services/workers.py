"""Worker processes run at a lower CPU priority than the server, so pages keep answering while they work.

- PDF workers (`lower_priority`): nice 10. Someone may be waiting for a document, so they are not idle.
- The roster reader (`reader_priority`): nice 15. Parsing a file is batch work that gives way to pages, but
  a clerk is watching its progress, so it must keep moving when the CPU stays busy. Linux's SCHED_IDLE (used
  before) runs a process only on a CPU nobody else wants: on a machine kept busy by other work the import
  then made no progress at all (the roster browser test timed out under load). At nice 15 the reader's share
  against one busy nice-0 process is about 3% (CFS weights 36 : 1024), so it slows down under load but
  always finishes, and a woken request still preempts it.

Both leave with their server: the server shuts its pools down when it stops, and a worker whose server
died without doing so (killed) notices within a second and exits, instead of living on as an orphan.
"""

from __future__ import annotations

import os
import threading
import time

NICENESS = 10
READER_NICENESS = 15
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


def reader_priority() -> None:
    """A process pool's initializer (the roster reader)."""
    _exit_with_parent()
    try:
        os.nice(READER_NICENESS)
    except OSError:  # not permitted here: run at the normal priority
        pass
