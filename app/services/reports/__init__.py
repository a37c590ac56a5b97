"""Word reports: the plan progress report for meetings, the monthly audit report, a single audit, an owner's update
pack; the checks made before one is released; and the frozen snapshots that keep what a meeting saw.

- document: the parts every report is made of (headings, tables, RAG cells, charts) over the styled base document
- plan_data, plan_report, plan_charts: the plan progress report's figures, its document and its charts
- audit_report: the monthly audit report; audit_record: one completed audit; update_pack: an owner's update pack
- checks: what is looked for in a report before it may be released
- snapshots: generating, storing and releasing reports (frozen once stored)
- scheduled: the reports made as deadlines approach, and their notices
- queries: what the Reports pages read
"""
