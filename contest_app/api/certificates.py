"""API v1: a participant's certificates (PDF): for one of their attempts, and their
contest-wide prize certificate."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

from .. import clock
from ..certificates import services
from ..certificates.models import KINDS
from ..certificates.views import certificate_pdf
from ..domain import NotFound, ValidationFailed
from ..extensions import db
from . import bp
from .auth import require_user_id
from .spec import BINARY, ERROR, operation


@bp.route("/attempts/<int:attempt_id>/certificate")
@operation("/api/v1/attempts/{attempt_id}/certificate", "get",
           "The owner's certificate (PDF) for the round of a finished attempt: the prize "
           "certificate when they hold a prize in the published ranking, else the participation "
           "certificate; 409 says why there is none; someone else's attempt is 404",
           {200: BINARY, 401: ERROR, 404: ERROR, 409: ERROR, 422: ERROR},
           parameters=[{"name": "kind", "in": "query", "required": False,
                        "schema": {"type": "string", "enum": list(KINDS)}}],
           media={200: "application/pdf"})
def attempt_certificate(attempt_id: int):
    user_id = require_user_id()
    kind = request.args.get("kind")
    if kind is not None and kind not in KINDS:
        raise ValidationFailed(kind=_l("Loại giấy chứng nhận phải là participation hoặc prize."))
    cert = services.for_attempt(db.session, attempt_id, user_id, kind, clock.now())
    db.session.commit()
    return certificate_pdf(cert)


@bp.route("/contests/<int:contest_id>/certificate")
@operation("/api/v1/contests/{contest_id}/certificate", "get",
           "The owner's contest-wide prize certificate (PDF), once the contest-wide ranking is "
           "published with a prize for them; 404 when they have none (no prize, not published, "
           "withdrawn, revoked or an unknown contest)",
           {200: BINARY, 401: ERROR, 404: ERROR}, media={200: "application/pdf"})
def contest_certificate(contest_id: int):
    user_id = require_user_id()
    try:
        cert = services.for_contest(db.session, contest_id, user_id, clock.now())
    except services.CertificateUnavailable as err:
        db.session.rollback()
        raise NotFound() from err
    db.session.commit()
    return certificate_pdf(cert)
