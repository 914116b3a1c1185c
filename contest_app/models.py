"""Import every domain's models so that the metadata (and Alembic) sees all tables."""

from .accounts.models import (  # noqa: F401
    AccountToken,
    ApiToken,
    Block,
    LoginThrottle,
    Unit,
    User,
    UserRole,
)
from .bank.models import Question, QuestionVersion, Topic  # noqa: F401
from .certificates.models import Certificate, CertificateTemplate  # noqa: F401
from .initiatives.final_models import FinalRound  # noqa: F401  (and the final's tables)
from .initiatives.models import Initiative  # noqa: F401  (and every initiative table)
from .jobs.models import BackgroundJob  # noqa: F401
from .notifications.models import NotificationOptOut, NotificationSent  # noqa: F401
from .organiser.models import AuditEvent  # noqa: F401
from .participation.models import ContestDocument  # noqa: F401
from .quiz.models import (  # noqa: F401
    Attempt,
    AttemptItem,
    BlueprintLine,
    Board,
    Contest,
    ExtraTime,
    Participation,
    Round,
)
from .rankings.models import (  # noqa: F401
    Exclusion,
    PrizeTier,
    RankingRow,
    RankingSnapshot,
    UnitRankingRow,
)
from .surveys.models import Survey, SurveyResponse  # noqa: F401  (and every survey table)
