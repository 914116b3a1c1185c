"""Survey tables. A response carries no user id, no IP address and no e-mail: who entered a paper
or phone response is kept in `SurveyEntry`, and used browser tokens (hashed, without a time) in
`SurveyTokenUse`, both apart from the answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..extensions import db
from .rules import LONG_TEXT, MULTIPLE, NUMBER, SCALE, SHORT_TEXT, SINGLE

KINDS = (SCALE, SINGLE, MULTIPLE, SHORT_TEXT, LONG_TEXT, NUMBER)
CHOICE_KINDS = (SCALE, SINGLE, MULTIPLE)
TEXT_KINDS = (SHORT_TEXT, LONG_TEXT)

PROFILE_KEYS = ("procedure", "unit", "channel", "age_group", "gender")

SOURCE_WEB = "web"
SOURCE_API = "api"
SOURCE_PAPER = "paper"
SOURCE_PHONE = "phone"
SOURCES = (SOURCE_WEB, SOURCE_API, SOURCE_PAPER, SOURCE_PHONE)
STAFF_SOURCES = (SOURCE_PAPER, SOURCE_PHONE)

DEFAULT_SCALE_LABELS = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng",
                        "Rất hài lòng"]


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Survey(db.Model):
    __tablename__ = "survey"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="window"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    introduction: Mapped[str] = mapped_column(Text, default="")
    thank_you: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    scale_labels: Mapped[list] = mapped_column(default=lambda: list(DEFAULT_SCALE_LABELS))
    # One response per browser (a random token in a cookie); off for a shared tablet.
    one_per_browser: Mapped[bool] = mapped_column(default=True)
    # A new survey is a draft: nobody outside the staff sees it until the organiser opens it.
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The population N the organiser typed for the sample-size helper.
    population: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    sections: Mapped[list[SurveySection]] = relationship(
        order_by="SurveySection.position", cascade="all, delete-orphan", back_populates="survey")


class SurveySection(db.Model):
    """A page of the survey; its scale questions make one aspect of the satisfaction index."""

    __tablename__ = "survey_section"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    is_profile: Mapped[bool] = mapped_column(default=False)

    survey: Mapped[Survey] = relationship(back_populates="sections")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        order_by="SurveyQuestion.position", cascade="all, delete-orphan",
        back_populates="section")


class SurveyQuestion(db.Model):
    __tablename__ = "survey_question"
    __table_args__ = (
        UniqueConstraint("survey_id", "profile_key"),
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint("profile_key IS NULL OR " + _in("profile_key", PROFILE_KEYS),
                        name="profile_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("survey_section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=False)
    # A retired question is no longer asked; its answers stay in the results.
    retired: Mapped[bool] = mapped_column(default=False)
    profile_key: Mapped[str | None] = mapped_column(String(20))

    section: Mapped[SurveySection] = relationship(back_populates="questions")
    options: Mapped[list[SurveyOption]] = relationship(
        order_by="SurveyOption.position", cascade="all, delete-orphan",
        back_populates="question")

    @property
    def active_options(self) -> list[SurveyOption]:
        return [o for o in self.options if not o.retired]


class SurveyOption(db.Model):
    __tablename__ = "survey_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(500))
    value: Mapped[int | None]  # 1..5 on a satisfaction scale
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    retired: Mapped[bool] = mapped_column(default=False)

    question: Mapped[SurveyQuestion] = relationship(back_populates="options")


class SurveyResponse(db.Model):
    """One anonymous filled-in form. Deliberately no user, IP address or e-mail column."""

    __tablename__ = "survey_response"
    __table_args__ = (CheckConstraint(_in("source", SOURCES), name="source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[datetime] = mapped_column(default=now)
    # Answered on a shared tablet in kiosk mode: which kiosk session (for the statistics).
    kiosk_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_kiosk.id", ondelete="SET NULL"), index=True)

    answers: Mapped[list[SurveyAnswer]] = relationship(cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """One answer: an option (one row per chosen option), a text or a number."""

    __tablename__ = "survey_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    # No cascade: a question or option that has answers cannot be deleted (retire it).
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_option.id"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    number: Mapped[float | None]


class SurveyEntry(db.Model):
    """The entry log: which staff member typed in a paper or phone response, for checking."""

    __tablename__ = "survey_entry"
    __table_args__ = (
        UniqueConstraint("response_id"),
        CheckConstraint(_in("channel", STAFF_SOURCES), name="channel"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"))
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    entered_at: Mapped[datetime] = mapped_column(default=now)


class SurveyTokenUse(db.Model):
    """A browser token already used to answer a survey: its salted hash only, with no time
    and no link to the response."""

    __tablename__ = "survey_token_use"
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class SurveyKiosk(db.Model):
    """A kiosk session: a shared tablet at the one-stop desk that a staff member put in kiosk
    mode for one survey until `expires_at` (or until staff end it). The device holds a signed
    cookie naming this row; `last_answer_at` carries the per-kiosk rate limit."""

    __tablename__ = "survey_kiosk"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    last_answer_at: Mapped[datetime | None]
