"""E-mail notifications: registration, round opening, results, winners, judge assignments.

The senders in `services` take ids, are idempotent (a sent-log with one row per user, kind and
object) and commit their own work, so a job queue can run them later as they are."""
