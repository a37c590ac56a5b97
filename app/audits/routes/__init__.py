"""The audits blueprint's pages, one module per subject: rounds (the list, rounds and allocation,
findings, export), pool (the case pool), audits (reading and doing an audit), moderation, and followup (after an audit)."""

from app.audits.routes import audits, followup, moderation, pool, rounds  # noqa: F401
