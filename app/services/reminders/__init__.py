"""Reminders, escalations and update requests.

- rules: when each notice is due (pure functions of dates, in working days)
- sweep: which notices are due now, written to the outbox once each
- outbox: delivering what is waiting, one message per person; mailer: SMTP or files
- jobs: the scheduled jobs the scheduler and `flask reminders` both run
- notifications: what a person does with their notices, e-mail preference and calendar feed
- admin: the administrators' settings and monitoring
"""
