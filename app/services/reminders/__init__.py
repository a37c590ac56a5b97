"""Reminders, escalations and update requests.

- rules: when each notice is due (pure functions of dates, in working days)
- sweep: which notices are due now, written to the outbox once each
- wording: what the notices say and link to (the update packs use the same words and links)
- letter: what a person's e-mail says, in the order they act on it (subject, summary, request, items, footer)
- compose: the e-mail for a person's waiting notices, with reports and update packs attached
- outbox: delivering what is waiting, one message per person (claim, send, postpone, skip); mailer: SMTP or files
- jobs: the scheduled jobs the scheduler and `flask reminders` both run
- notifications: what a person does with their notices, e-mail preference and calendar feed
- admin: the administrators' settings and monitoring
"""
