"""Users, units, roles, registration and login."""
