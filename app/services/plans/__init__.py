"""The improvement plan.

- changes: changing the plan (updates, completion, revised dates, ratings, editing), each change recorded
- due_dates: due dates as people write them (typed value, raw text kept, invalid dates flagged)
- rag: the RAG rule, in Python and in SQL
- evidence: evidence files attached to milestones
- queries: what the plan pages and My work read
- dashboard: the plan overview's own figures (days slipped, changes since the last released report, coverage)
"""
