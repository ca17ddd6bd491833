"""GET /: a small Vietnamese page that says what AnSinh is and links what a visitor can open: the
phone simulator (where it is enabled) and the officers' console. Text from the catalogs, styles
from a static file (no inline script or style, for a self-only CSP)."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template

bp = Blueprint("landing", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/landing")


@bp.get("/")
def home():
    return render_template("landing/index.html", simulator="simulator" in current_app.blueprints)


def init_app(app: Flask) -> None:
    """After the channels and the console: the page links only what is registered."""
    from console.web import install_gettext

    install_gettext(app)  # the console's (vi catalog); installing it again changes nothing
    app.register_blueprint(bp)
