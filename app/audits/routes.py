"""Audit rounds, the case pool and allocation (QA leads); auditors' lists of their audits."""
