"""Work run at the same moment, each part in a thread of its own, as a server's workers would run it."""

import threading
from collections.abc import Callable


def run_together(parts: list[Callable[[], None]]) -> None:
    """Start every part, then wait for all of them."""
    threads = [threading.Thread(target=part) for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
