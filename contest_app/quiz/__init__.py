"""Contests, boards, rounds and timed attempts."""
