"""Configuration read from the environment, with safe defaults."""

from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "development"
    DEBUG = False
    TESTING = False
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    CONTEST_TIMEZONE = os.environ.get("CONTEST_TIMEZONE", "Asia/Ho_Chi_Minh")
    # Origins allowed to frame the /nhung/ widget pages (space-separated; "https:" = any https).
    EMBED_ALLOWED_ORIGINS = os.environ.get("EMBED_ALLOWED_ORIGINS", "https:")
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("vi", "en")
    # Redis shared by every instance: the job queue and, unless set otherwise, the rate-limit
    # counters and the page caches. Empty: one process, jobs run in the request.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # A read replica (PostgreSQL streaming replica) for public pages; empty: the primary.
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL") or None
    # Behind nginx: downloads are handed to nginx (X-Accel-Redirect) under this internal prefix.
    UPLOADS_ACCEL_PREFIX = os.environ.get("UPLOADS_ACCEL_PREFIX") or None
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "cchc")
    JOBS_INLINE = _bool("JOBS_INLINE", False)
    # Several sites (or test runs) sharing one Redis keep apart by these prefixes.
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "cchc:")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "cchc")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", REDIS_URL or "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none,
    # the header is ignored and the socket's address is the client's).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Per client address, shared by the login page and POST /api/v1/tokens.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    # Per client address, shared by the registration page and POST /api/v1/users.
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT",
                                             "10 per minute;100 per hour")
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # Seconds of network latency forgiven after an attempt's deadline.
    ANSWER_GRACE_SECONDS = int(os.environ.get("ANSWER_GRACE_SECONDS", "5"))
    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "24"))
    # Key for personal data (CCCD); a development key is generated like SECRET_KEY.
    DATA_KEY: str | None = os.environ.get("DATA_KEY")
    QUESTION_BANK_PATH = os.environ.get(
        "QUESTION_BANK_PATH", str(Path(__file__).resolve().parent.parent / "question_bank")
    )
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    # Public pages that are the same for every anonymous visitor (contest list, published
    # rankings) are kept this many seconds per worker; Redis when CACHE_TYPE=RedisCache.
    # The organising body's name, printed at the top of the award decision's annex.
    ORGANISER_NAME = os.environ.get("ORGANISER_NAME", "Ban Tổ chức Hội thi")
    BACKUP_DIR: str | None = os.environ.get("BACKUP_DIR")  # default: INSTANCE_PATH/backups
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "RedisCache" if REDIS_URL else "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", REDIS_URL)
    CACHE_DEFAULT_TIMEOUT = 300
    PUBLIC_PAGE_SECONDS = int(os.environ.get("PUBLIC_PAGE_SECONDS", "10"))
    # The home page's "người đã tham gia" count is recomputed at most this often.
    HOME_COUNT_SECONDS = int(os.environ.get("HOME_COUNT_SECONDS", "30"))
    # Survey kiosk mode (surveys/kiosk.py): a session's lifetime, one answer per kiosk per
    # interval, and the seconds the thank-you screen waits before the next empty form.
    SURVEY_KIOSK_HOURS = int(os.environ.get("SURVEY_KIOSK_HOURS", "12"))
    SURVEY_KIOSK_INTERVAL_SECONDS = int(os.environ.get("SURVEY_KIOSK_INTERVAL_SECONDS", "20"))
    SURVEY_KIOSK_RESET_SECONDS = int(os.environ.get("SURVEY_KIOSK_RESET_SECONDS", "8"))
    # Per client address, shared by the "Quên mật khẩu?" page and POST /api/v1/password-resets.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT",
                                               "5 per minute;30 per hour")
    # Outgoing mail (contest_app/mail.py): "console" logs the message, "smtp" sends it.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", "Hội thi CCHC <no-reply@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # The site's address as people reach it (e.g. https://hoithi.example.vn): links in e-mails
    # are built from it, never from the request's Host header. Empty: the request's host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    CACHE_TYPE = "NullCache"
    REDIS_URL = None  # tests that need the queue set it themselves
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    MAIL_BACKEND = "console"
    SECRET_KEY = "testing-secret-key-not-for-production"
    DATA_KEY = "testing-data-key-not-for-production"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "https"
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

# Keys that must never be used in production.
KNOWN_WEAK_KEYS = {
    "",
    "dev",
    "secret",
    "changeme",
    "change-me",
    TestingConfig.SECRET_KEY,
    TestingConfig.DATA_KEY,
}


MIN_KEY_LENGTH = 32
# A key is refused when its characters' Shannon entropy times its length is below this many
# bits. A random key of 32 characters or more over an alphabet of 16 symbols or more passes
# with near certainty (a 64-character hex key estimates about 245 bits, a `keys generate` key
# about 350; only about 1 in 1,000 random 32-character hex keys falls below): what is refused is
# a typed pattern ("abcdefgh" * 4 estimates 96 bits). No statistic can see that a long
# passphrase is guessable: keys should come from `keys generate`.
MIN_KEY_BITS = 100
# Fewer distinct characters than this is not a random key (a random 64-character hex key
# shows 13 or more; a random 32-character one, 10 or more but about 1 time in 10,000).
MIN_KEY_DISTINCT = 10
KEY_HELP = "Generate fresh keys with: flask --app contest_app keys generate"


def estimated_key_bits(value: str) -> float:
    """Length times the Shannon entropy (bits per character) of the key's own characters."""
    if not value:
        return 0.0
    n = len(value)
    per_char = -sum(c / n * math.log2(c / n) for c in Counter(value).values())
    return n * per_char


def _smallest_period(value: str) -> int:
    """The shortest p such that the key is its first p characters repeated (and cut)."""
    for p in range(1, len(value)):
        if all(value[i] == value[i - p] for i in range(p, len(value))):
            return p
    return len(value)


def key_weakness(value: str | None) -> str | None:
    """Why `value` is not a strong production key, or None when it is. Plain Python."""
    if not value:
        return "it is not set"
    if value in KNOWN_WEAK_KEYS or value.strip().lower() in KNOWN_WEAK_KEYS:
        return "it is a well-known development or example value"
    if len(value) < MIN_KEY_LENGTH:
        return f"it is {len(value)} characters long, at least {MIN_KEY_LENGTH} are needed"
    period = _smallest_period(value)
    if period <= len(value) // 2:
        return f"it repeats a pattern of {period} character(s)"
    distinct = len(set(value))
    if distinct < MIN_KEY_DISTINCT:
        return (f"it uses only {distinct} different characters, at least {MIN_KEY_DISTINCT}"
                " are needed")
    steps = sum(1 for a, b in zip(value, value[1:], strict=False) if abs(ord(a) - ord(b)) <= 1)
    if steps * 2 > len(value) - 1:
        return "it is mostly runs of equal or consecutive characters (like 'aaaa' or 'abcd')"
    bits = estimated_key_bits(value)
    if bits < MIN_KEY_BITS:
        return f"its estimated entropy is {bits:.0f} bits, at least {MIN_KEY_BITS} are needed"
    return None


def production_key_problems(secret_key: str | None, data_key: str | None) -> list[str]:
    """Every reason the pair of keys is unfit for production (empty when both are fine)."""
    problems = []
    for name, value in (("SECRET_KEY", secret_key), ("DATA_KEY", data_key)):
        reason = key_weakness(value)
        if reason:
            problems.append(f"{name} is too weak for production: {reason}.")
    if secret_key and secret_key == data_key:
        problems.append("SECRET_KEY and DATA_KEY are the same: they must be two different keys.")
    return problems


def generate_keys() -> dict[str, str]:
    """Two fresh, independent keys. Both are URL-safe base64 (no quoting needed in an
    environment file); DATA_KEY is any string, from which HKDF derives the Fernet and hash
    keys (participation/crypto.py)."""
    return {"SECRET_KEY": secrets.token_urlsafe(48), "DATA_KEY": secrets.token_urlsafe(48)}


def instance_secret(instance_path: str, name: str) -> str:
    """Read, or create once, a random development secret stored in the instance folder."""
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
