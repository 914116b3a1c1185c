"""Pure account rules: phone and CCCD formats, name normalisation, login-failure delays."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime, timedelta

# Vietnamese mobile numbers since the 2018 renumbering: 10 digits, 03x, 05x, 07x, 08x or 09x.
MOBILE_PREFIXES = ("03", "05", "07", "08", "09")
PHONE_RE = re.compile(r"^(?:" + "|".join(MOBILE_PREFIXES) + r")\d{8}$")
CCCD_RE = re.compile(r"^\d{12}$")


def normalise_phone(raw: str) -> str:
    """Strip spaces, dots and dashes; turn +84 (or 0084, or 84 before nine digits) into 0."""
    phone = re.sub(r"[\s.\-()]", "", raw or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("0084"):
        phone = "0" + phone[4:]
    elif phone.startswith("84") and len(phone) == 11:
        phone = "0" + phone[2:]
    return phone


def is_valid_phone(phone: str) -> bool:
    """A Vietnamese mobile number, already normalised: 10 digits starting with 03, 05, 07, 08
    or 09 (landlines, 02x, and the retired 11-digit 01x numbers are refused)."""
    return bool(PHONE_RE.match(phone))


def is_valid_cccd(cccd: str) -> bool:
    return bool(CCCD_RE.match(cccd or ""))


def normalise_email(raw: str) -> str:
    return (raw or "").strip().lower()


def unaccent(text: str) -> str:
    """Lower-case text without Vietnamese diacritics ("Thủ tục Đơn" -> "thu tuc don")."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())


def mask_phone(phone: str | None) -> str:
    """0905123123 -> 0905***123."""
    if not phone or len(phone) < 7:
        return ""
    return phone[:4] + "***" + phone[-3:]


# --- Login failures ------------------------------------------------------------------------
# Failed logins are counted per e-mail address (known or not, so the answer never tells whether
# an account exists). From the LOCK_AFTER-th failure on, the address refuses logins for a delay
# that starts at LOCK_FIRST_SECONDS and doubles with every further failure, capped at
# LOCK_MAX_SECONDS. A success resets the count; failures older than FAILURE_MEMORY_SECONDS are
# forgotten.

LOCK_AFTER = 5
LOCK_FIRST_SECONDS = 30
LOCK_MAX_SECONDS = 15 * 60
FAILURE_MEMORY_SECONDS = 24 * 3600


def lock_seconds(failures: int, after: int = LOCK_AFTER, first: int = LOCK_FIRST_SECONDS,
                 cap: int = LOCK_MAX_SECONDS) -> int:
    """How long an address refuses logins after its `failures`-th consecutive failure
    (0: not locked)."""
    if failures < after:
        return 0
    doublings = min(failures - after, 32)  # bounded: 2**32 * first is far beyond any cap
    return min(cap, first * 2**doublings)


def failures_so_far(previous: int, last_failure_at: datetime | None, now: datetime,
                    memory: int = FAILURE_MEMORY_SECONDS) -> int:
    """The failure count to build on: `previous`, or 0 when the last failure is forgotten."""
    if last_failure_at is None or (now - last_failure_at).total_seconds() >= memory:
        return 0
    return max(previous, 0)


def seconds_until(locked_until: datetime | None, now: datetime) -> int:
    """Whole seconds (rounded up) until `locked_until`; 0 when it has passed."""
    if locked_until is None:
        return 0
    remaining = (locked_until - now).total_seconds()
    return max(0, math.ceil(remaining))


def matching_choices(choices: list[tuple[int, str]], query: str,
                     keep: int | None = None) -> list[tuple[int, str]]:
    """The (id, name) choices whose name contains every word of `query`, ignoring case and
    diacritics ("so noi" finds "Sở Nội vụ"); the choice `keep` (the one already picked) stays
    in the list. An empty query keeps every choice."""
    words = unaccent(query).split()
    if not words:
        return list(choices)
    return [(value, name) for value, name in choices
            if value == keep or all(w in unaccent(name) for w in words)]


# --- One-time links: invitations and password resets --------------------------------------
# An invitation (the organiser created the account) is valid INVITE_HOURS, a reset link
# RESET_HOURS. A link works once; issuing a new one of the same purpose voids the older ones;
# setting the password (through any link) voids every other open link of the account. A
# person asking again for a reset within RESET_MIN_INTERVAL_SECONDS of the last mail gets the
# same answer but no new mail (nobody's mailbox is flooded from the form).

INVITE_HOURS = 72
RESET_HOURS = 2
RESET_MIN_INTERVAL_SECONDS = 60
TOKEN_HOURS = {"invite": INVITE_HOURS, "reset": RESET_HOURS}

TOKEN_VALID = "valid"
TOKEN_USED = "used"
TOKEN_VOIDED = "voided"
TOKEN_EXPIRED = "expired"


def token_lifetime(purpose: str) -> timedelta:
    """How long a link of `purpose` ("invite" or "reset") stays valid."""
    return timedelta(hours=TOKEN_HOURS[purpose])


def token_expiry(purpose: str, issued_at: datetime) -> datetime:
    return issued_at + token_lifetime(purpose)


def token_state(expires_at: datetime, used_at: datetime | None, voided_at: datetime | None,
                now: datetime) -> str:
    """"valid", or why a link no longer works: "used", "voided" (a newer link replaced it)
    or "expired". Using it wins over the others: a link that worked says so."""
    if used_at is not None:
        return TOKEN_USED
    if voided_at is not None:
        return TOKEN_VOIDED
    if now >= expires_at:
        return TOKEN_EXPIRED
    return TOKEN_VALID


def reset_mail_due(last_issued_at: datetime | None, now: datetime,
                   interval: int = RESET_MIN_INTERVAL_SECONDS) -> bool:
    """Whether a reset request sends a new link (False within `interval` of the last one)."""
    return last_issued_at is None or (now - last_issued_at).total_seconds() >= interval
