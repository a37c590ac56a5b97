"""The audits blueprint's forms: rounds (rounds, the case pool, allocation), audit (the audit tool as a form) and
followup (a learning point made a plan action)."""
