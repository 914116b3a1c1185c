"""Joining contests (boards, eligibility, CCCD), contest documents, unit import, winners' list."""
