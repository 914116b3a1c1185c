"""Hội thi CCHC: the application factory."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request
from werkzeug.routing import IntegerConverter, Map

from .config import CONFIGS, KEY_HELP, Config, instance_secret, production_key_problems
from .extensions import babel, cache, csrf, db, limiter, login_manager, migrate
from .hooks import ContestFlask, LeanSessionInterface, install
from .inputs import MAX_ID, refuse_nul, register_input_guards

ROOT = Path(__file__).resolve().parent.parent


class InsecureConfiguration(RuntimeError):
    """Raised when production settings are unsafe (e.g. no SECRET_KEY)."""


def create_app(config: type[Config] | dict[str, Any] | str | None = None) -> Flask:
    """Build the application. `config` is a Config class, a name, or a dict of overrides."""
    app = ContestFlask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _configure(app, config)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:  # behind that many reverse proxies: the client address is theirs to tell
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies)
    _register_extensions(app)
    _register_blueprints(app)
    _register_shell(app)
    return app


def _configure(app: Flask, config: type[Config] | dict[str, Any] | str | None) -> None:
    overrides: dict[str, Any] = {}
    if isinstance(config, dict):
        overrides = config
        config = overrides.get("ENV_NAME")
    if config is None:
        config = os.environ.get("CONTEST_ENV", "development")
    if isinstance(config, str):
        config = CONFIGS[config]
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    production = app.config["ENV_NAME"] == "production"
    if production and not _cli_generating_keys():
        problems = production_key_problems(app.config.get("SECRET_KEY"),
                                           app.config.get("DATA_KEY"))
        if problems:
            raise InsecureConfiguration(" ".join([*problems, KEY_HELP]))
    for key, filename in (("SECRET_KEY", "secret_key"), ("DATA_KEY", "data_key")):
        if not app.config.get(key):
            app.config[key] = instance_secret(app.instance_path, filename)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "contest.sqlite3"
        )
    from .replica import configure as configure_replica

    configure_replica(app)
    from .mail import settings as mail_settings

    mail_settings(app.config)  # an unknown MAIL_BACKEND stops the app here, not at a send
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://") or uri.startswith("postgres://"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if uri.startswith("sqlite"):
        opts = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        opts.setdefault("connect_args", {"timeout": 10})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    logging.getLogger("contest_app").setLevel(logging.INFO)


def _cli_generating_keys() -> bool:
    """True inside `flask ... keys generate`: the command that prints good keys must run even
    when the configured ones are refused. It only prints; nothing is served."""
    import click

    if click.get_current_context(silent=True) is None:
        return False
    args = sys.argv[1:]
    return any(args[i:i + 2] == ["keys", "generate"] for i in range(len(args)))


def _locale() -> str:
    if not has_request_context():
        return "vi"
    lang = request.cookies.get("lang")
    if lang in ("vi", "en"):
        return lang
    return "vi"


def _register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (register every model on the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    cache.init_app(app)
    # Only decorated views are limited (login, tokens, survey answers): there are no default
    # or application-wide limits, so the per-request global check is dropped from the hot
    # paths. Decorated views still check inside their wrapper.
    app.before_request_funcs[None] = [
        f for f in app.before_request_funcs.get(None, [])
        if getattr(f, "__func__", None) is not type(limiter)._check_request_limit
    ]

    from .security import register_security

    register_security(app)
    register_input_guards(app)
    app.session_interface = LeanSessionInterface()
    install(app, csrf, limiter, login_manager, refuse_nul)

    from .i18n import register_template_helpers

    register_template_helpers(app)


class IdConverter(IntegerConverter):
    """`<int:...>` URL parts are database ids: larger than a 32-bit key is simply not found."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    from .accounts.views import bp as accounts_bp
    from .bank.views import bp as bank_bp
    from .cli import register_cli
    from .errors import register_error_handlers
    from .jobs.views import bp as jobs_bp
    from .main.views import bp as main_bp
    from .organiser.views import bp as organiser_bp
    from .quiz.admin_views import bp as quiz_admin_bp
    from .quiz.analysis_views import bp as quiz_analysis_bp
    from .quiz.appearance_views import bp as appearance_bp
    from .quiz.embed_views import bp as embed_bp
    from .quiz.live_views import bp as live_bp
    from .quiz.share_views import bp as share_bp
    from .quiz.views import bp as quiz_bp
    from .rankings.admin_views import bp as rankings_admin_bp
    from .rankings.views import bp as rankings_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(organiser_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(bank_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(quiz_admin_bp)
    app.register_blueprint(quiz_analysis_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(share_bp)
    app.register_blueprint(appearance_bp)
    from .initiatives.admin_views import bp as initiatives_admin_bp
    from .initiatives.cycle_views import bp as initiatives_cycle_bp
    from .initiatives.final_views import bp as initiatives_final_bp
    from .initiatives.judge_views import bp as judging_bp
    from .initiatives.views import bp as initiatives_bp

    app.register_blueprint(initiatives_bp)
    app.register_blueprint(judging_bp)
    app.register_blueprint(initiatives_admin_bp)
    app.register_blueprint(initiatives_cycle_bp)
    app.register_blueprint(initiatives_final_bp)
    app.register_blueprint(rankings_bp)
    app.register_blueprint(rankings_admin_bp)
    from .surveys.admin_views import bp as surveys_admin_bp
    from .surveys.kiosk_views import bp as survey_kiosk_bp
    from .surveys.views import bp as surveys_bp

    app.register_blueprint(surveys_bp)
    app.register_blueprint(surveys_admin_bp)
    app.register_blueprint(survey_kiosk_bp)
    from .participation.admin_views import bp as participation_admin_bp
    from .participation.views import bp as participation_bp

    app.register_blueprint(participation_bp)
    app.register_blueprint(participation_admin_bp)
    from .notifications.views import bp as notifications_bp

    app.register_blueprint(notifications_bp)
    from .certificates.views import bp as certificates_bp

    app.register_blueprint(certificates_bp)
    from .api import bp as api_bp

    app.register_blueprint(api_bp)
    register_error_handlers(app)
    register_cli(app)


def _register_shell(app: Flask) -> None:
    @app.shell_context_processor
    def _ctx() -> dict[str, Any]:
        return {"db": db}
