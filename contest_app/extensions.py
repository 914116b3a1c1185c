"""Flask extensions, created unbound; `create_app` binds them."""

from __future__ import annotations

from typing import Any

import click
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from .database import Base


class LazyMigrate:
    """Flask-Migrate, imported only when used: by `flask db ...` or `flask_migrate.upgrade()`
    (CLI, tests, benchmarks). Importing it brings Alembic, Mako and Pygments, about 11 MB per
    web worker that never migrates. `app.extensions["migrate"]` and the `db` command group
    stand in until first touched, then the real Migrate takes their place."""

    def init_app(self, app: Any, db: Any, directory: str) -> None:
        app.extensions["migrate"] = _PendingMigrate(app, db, directory)
        app.cli.add_command(_LazyDbGroup(app, name="db", help="Perform database migrations."))


def _real_migrate(app: Any) -> Any:
    pending = app.extensions.get("migrate")
    if isinstance(pending, _PendingMigrate):
        from flask_migrate import Migrate

        Migrate(app, pending.db, directory=pending.directory)
    return app.extensions["migrate"]


class _PendingMigrate:
    def __init__(self, app: Any, db: Any, directory: str) -> None:
        self.app, self.db, self.directory = app, db, directory

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_migrate(self.app), name)


class _LazyDbGroup(click.Group):
    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._app = app

    def _real(self) -> click.Group:
        _real_migrate(self._app)
        from flask_migrate.cli import db as db_group

        return db_group

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        # `flask db ...`: the real group parses its own options and runs its commands.
        return self._real().make_context(info_name, args, parent, **extra)


db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
cache = Cache()
