"""Case-file audits. Every function that changes data runs in one transaction (app.services.transaction).

- pool: the case pool a page at a time, and correcting or removing a case (kept once audited)
- rounds: choosing cases at random, allocating them, moving audits through their states
- allocation: the rule proposing who audits each case of a round (never the case's own team, loads balanced)
- work: doing an audit (drafts, submission, safeguarding alerts and their acknowledgement, who may see it),
  and what follows it (recommendations closed, learning points made plan actions)
- moderation: sampling submitted audits and recording the moderator's grades
- tallies: running totals of completed audits' answers, for the findings
- findings: the findings for a period, team and type of audit; charts: their pictures
- tool: the audit tool (elements and standards) as data
- queries: what the audit pages, the audit's Word document and My work read (one loader for an audit)
"""
