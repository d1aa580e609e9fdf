"""The one write path of the registry, one module per concern: initiatives (create, update with
optimistic concurrency), the status workflow and moderation, batch writes (imports), reference
data, claims and personal data.

Each function takes keyword-only arguments, validates with `full_clean()` and sends its e-mails
through `transaction.on_commit`, so that a rolled-back write never leaves a stray message.
"""
