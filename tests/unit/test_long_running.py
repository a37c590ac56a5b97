"""A long-running process, once it has loaded the app, leaves the objects made so far out of the garbage collector's
walks (app.long_running.loaded)."""

import gc

from app import long_running


def test_the_objects_made_before_are_left_out_of_later_collections():
    kept = [[] for _ in range(1000)]  # lists: objects the collector follows
    try:
        before = gc.get_freeze_count()
        long_running.loaded()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()  # the test process goes on as before
