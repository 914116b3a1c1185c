"""Satisfaction surveys: design, anonymous responses, staff entry, results."""
