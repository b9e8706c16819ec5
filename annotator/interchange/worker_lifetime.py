"""Worker processes that die with the process that started them.

A spawned export worker whose parent is SIGKILLed would go on writing (or wait forever
on a queue no one reads). A daemon thread in the worker watches its parent id: when the
parent is gone (the worker is re-parented), the worker ends at once.
"""

from __future__ import annotations

import os
import threading
import time

# How often the worker looks; the cost is one system call.
POLL_SECONDS = 0.2


def die_with_parent(parent_pid: int) -> None:
    """A ProcessPoolExecutor initializer: end this process when `parent_pid` ends."""
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()
