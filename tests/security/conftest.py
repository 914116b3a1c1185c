"""The security tests reuse the initiative fixtures: a call, an organiser, two judges and an
author whose name, e-mail and unit must never reach a judge."""

from tests.integration.initiatives.conftest import client_for, world  # noqa: F401
