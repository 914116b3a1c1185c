"""Certificates: participation and prize certificates (PDF), their verification and design."""
