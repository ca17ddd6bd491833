"""What every console page shares: the blueprint, the signed-in officer, CSRF, the templates'
gettext (the vi catalog), audit rows for each view and action, and the database session."""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from core.privacy.audit import record_disclosure
from core.storage.db import transaction
from core.i18n import translator
from core.models import Officer
from core.officers.accounts import actor_name, scope_unit_codes

logger = logging.getLogger(__name__)

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
csrf = CSRFProtect()
SESSION_HOURS = 8


def setup(app: Flask, runtime) -> None:
    public_https = runtime.settings.public_url.lower().startswith("https://")
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # only the console's forms are checked
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", SESSION_HOURS * 3600)
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=public_https,
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS))
    csrf.init_app(app)
    install_gettext(app)
    from console import (  # noqa: F401
        audit,
        auth,
        beneficiaries,
        broadcasts,
        channel_costs,
        complaints,
        dead_letters,
        import_examples,
        imports,
        indicators,
        labels,
        privacy,
        wording,
    )

    app.register_blueprint(bp)


def install_gettext(app: Flask) -> None:
    """Templates write English msgids ({{ _("Sign in") }}); officers read the vi catalog."""
    t = translator("vi")
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        lambda message: t._(message),
        lambda singular, plural, n: t._(singular if n == 1 else plural),
        newstyle=True,
    )


def runtime():
    return current_app.extensions["ansinh"]


def tr():
    return translator("vi")


@contextmanager
def db() -> Iterator:
    """One transaction for the request's work (commits when the block ends without error)."""
    with transaction(runtime().sessions) as session:
        yield session


def officer() -> Officer:
    return g.officer


def scope_codes(session) -> list[str] | None:
    return scope_unit_codes(session, g.officer)


def audit(session, action: str, beneficiary_id: int | None = None, **detail) -> None:
    """One audit row for what the signed-in officer saw or did."""
    who = actor_name(g.officer) if getattr(g, "officer", None) is not None else "console:anonymous"
    record_disclosure(session, who, action, beneficiary_id, "console", detail)


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if getattr(g, "officer", None) is None:
            return redirect(url_for("console.login",
                                    next=request.full_path if request.query_string else request.path))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only a console path on this site (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/console") and "\\" not in target:
            return target
    return url_for("console.home")


@bp.before_request
def load_officer():
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()
    g.officer = None
    officer_id = session.get("officer_id")
    if officer_id is not None:
        with runtime().sessions() as s:
            found = s.get(Officer, officer_id)
            if found is not None and found.active and session.get("session_epoch") == found.session_epoch:
                g.officer = found
            else:
                session.clear()


@bp.app_template_global()
def period_label(period: str) -> str:
    return tr().period(period) if period else ""


@bp.app_template_global()
def pct(share: float) -> str:
    """0.9636 -> '96,36%'."""
    return tr().number(round(share * 100, 2)) + "%"


@bp.app_template_global()
def count(value) -> str:
    """2291 -> '2.291'; nothing for a missing number."""
    return tr().number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


@bp.app_template_global()
def local_time(moment) -> str:
    if moment is None:
        return ""
    return moment.astimezone(runtime().clock.tz).strftime("%d/%m/%Y %H:%M")


@bp.context_processor
def common():
    return {"t": tr(), "current_officer": getattr(g, "officer", None)}


@bp.errorhandler(CSRFError)
def csrf_failed(error):
    logger.info("console CSRF failure: %s", error.description)
    return error_page(
        tr()._("The form expired or was sent from elsewhere. Please open the page again and retry."), 400
    )


@bp.app_errorhandler(404)
def not_found(error):
    if request.path.startswith("/console"):
        return not_found_page(tr()._("This page does not exist."))
    return error


def error_page(message: str, status: int):
    """The console's error page: one sentence for the officer, with the HTTP status."""
    return render_template("console/error.html", message=message), status


def not_found_page(message: str):
    """404, saying what is not there."""
    return error_page(message, 404)


def forbidden():
    return error_page(tr()._("This is outside your unit."), 403)
