"""Parts of pages kept once drawn and served again until the data under them changes (Flask-Caching's store).

A part is kept under its key and the data's version (the plan's: services/plans/facts.current). The version is read
before the data the part is drawn from, so a kept part is never older than its version; any change to that data
gives a new version, so the next visit draws the part afresh. With no version (the visit itself changed the data),
the part is drawn and not kept.
"""

from collections.abc import Callable

from markupsafe import Markup

from app.extensions import cache


def drawn(key: tuple, version: int | None, draw: Callable[[], str]) -> Markup:
    """The part for `key` at `version`: the kept one, or `draw()` kept for the next visit."""
    if version is None:
        return Markup(draw())
    name = ":".join(str(part) for part in (*key, version))
    kept = cache.get(name)
    if kept is None:
        kept = draw()
        cache.set(name, kept)
    return Markup(kept)
