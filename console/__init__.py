"""The officers' web console at /console: accounts and roles, imports, indicators, beneficiaries,
broadcasts with approval, complaints and the audit log. Server-rendered Jinja pages in
Vietnamese from the catalogs; no CDN, no external fonts; CSRF on every form."""
from __future__ import annotations


def init_app(app, runtime) -> None:
    """Register the console blueprint, its CSRF protection, cookies and the templates' gettext."""
    from console.web import setup

    setup(app, runtime)
