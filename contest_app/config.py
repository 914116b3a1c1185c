"""Configuration read from the environment, with safe defaults."""

from __future__ import annotations

import os
import secrets
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
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("vi", "en")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
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
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_DEFAULT_TIMEOUT = 300
    PUBLIC_PAGE_SECONDS = int(os.environ.get("PUBLIC_PAGE_SECONDS", "10"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    CACHE_TYPE = "NullCache"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    SECRET_KEY = "testing-secret-key-not-for-production"
    DATA_KEY = "testing-data-key-not-for-production"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "https"


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
