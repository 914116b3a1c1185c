"""API v1: a participant's certificate (PDF) for one of their attempts."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

from .. import clock
from ..certificates import services
from ..certificates.models import KINDS
from ..certificates.views import certificate_pdf
from ..domain import ValidationFailed
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
