"""The improvement plan.

- changes: changing the plan (updates, completion, revised dates, ratings, editing), each change recorded
- due_dates: due dates as people write them (typed value, raw text kept, invalid dates flagged)
- rag: the RAG rule, in Python and in SQL
- evidence: evidence files attached to milestones
- queries: what the plan pages and My work read, and the milestone list a page at a time
- bulk: changing several milestones at once, each change made as the single edit makes it
- dashboard: the plan overview's own figures (days slipped, changes since the last released report, coverage)
- findings: which Ofsted recommendations and Areas for Improvement an action answers (a programme manager links them)
"""
