"""The audit form: open (access checked and logged), save a draft, resume, submit."""
