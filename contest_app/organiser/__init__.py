"""Organiser dashboard, units and users administration, audit log."""
