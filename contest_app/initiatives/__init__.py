"""Reform initiatives: calls, submissions with attachments, blind judging, decisions."""
