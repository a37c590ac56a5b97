"""What a long-running process does once it has loaded the app: the scheduler (`flask scheduler run`), and the
reminder run's benchmark, which imitates it (bench/reminder_run.py)."""

import gc


def loaded() -> None:
    """The objects made so far (the app, its modules and configuration, the models' metadata) last as long as the
    process: the cyclic garbage collector is told to leave them alone (gc.freeze), so that its collections walk only
    what the jobs make. A reminder run makes many short-lived objects (the update packs) and so many collections: it
    spent 0.4–0.9 s less of about 9 s of processor time so (docs/operations.md, "Performance")."""
    gc.collect()
    gc.freeze()
