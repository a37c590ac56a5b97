"""Case-file audits.

- rounds: choosing cases at random, allocating them, moving audits through their states
- work: doing an audit (drafts, submission, safeguarding alerts, who may see it)
- moderation: sampling submitted audits and recording the moderator's grades
- tallies: running totals of completed audits' answers, for the findings
- findings: the findings for a period, team and type of audit; charts: their pictures
- tool: the audit tool (elements and standards) as data
- queries: what the audit pages and My work read
"""
