"""The question bank: YAML format, validation, versioned import/export, bank views."""
