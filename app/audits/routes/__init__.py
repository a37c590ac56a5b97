"""The audits blueprint's pages, one module per subject: rounds (the list, rounds and allocation,
findings, export), pool (the case pool), audits (reading and doing an audit), moderation, followup (after an audit),
and access (the audit access log, for QA leads)."""

from app.audits.routes import access, audits, followup, moderation, pool, rounds  # noqa: F401
