"""Security tests reuse the domain fixtures that build a survey and a question bank."""

from tests.integration.bank.conftest import facts_dir, import_bank  # noqa: F401
from tests.integration.surveys.conftest import make_survey  # noqa: F401
