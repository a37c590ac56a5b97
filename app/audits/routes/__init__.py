"""The audits blueprint's pages, one module per subject: rounds (the list, the case pool, rounds and allocation,
findings, export), audits (reading and doing an audit), moderation, and followup (after an audit)."""

from app.audits.routes import audits, followup, moderation, rounds  # noqa: F401
