"""Files every instance must see (uploads, generated documents) live under INSTANCE_PATH,
which a cluster points at a shared folder. Downloads pass the app's permission check, then
the bytes are sent by nginx when UPLOADS_ACCEL_PREFIX is set (X-Accel-Redirect to an
`internal` location aliasing INSTANCE_PATH/uploads), or by the app otherwise."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, send_file


def uploads_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def send_upload(path: Path, mimetype: str, download_name: str) -> Response:
    """An attachment download of a file under the uploads folder, never cached."""
    prefix = current_app.config.get("UPLOADS_ACCEL_PREFIX")
    root = uploads_root().resolve()
    target = path.resolve()
    if prefix and target.is_relative_to(root):
        relative = target.relative_to(root).as_posix()
        response = Response(status=200, mimetype=mimetype)
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(relative)
        response.headers["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(download_name)}")
    else:
        response = send_file(path, mimetype=mimetype, as_attachment=True,
                             download_name=download_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
