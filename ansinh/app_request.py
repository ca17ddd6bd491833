"""Flask's request, reading its limits from its own app instead of through `current_app`.

Flask's Request looks up `current_app` (a context-variable proxy) each time form parsing asks for
max_content_length, max_form_memory_size or max_form_parts, and twice more after parsing a form:
ten look-ups of one webhook request (BENCHMARKS.md, issue 24). A request class made for one app
reads the same config values from that app directly, at the moment they are asked for, so a
changed config or a per-request limit (`request.max_content_length = …`) still applies.
"""
from __future__ import annotations

from flask import Flask, Request
from werkzeug.wrappers import Request as WerkzeugRequest


def _app_limit(name: str, key: str) -> property:
    """Flask's `name` limit, read from this request's own app: a value set on the request wins."""
    own = "_" + name

    def limit(self) -> int | None:
        value = getattr(self, own)
        return value if value is not None else self.app.config[key]

    def set_limit(self, value: int | None) -> None:
        setattr(self, own, value)

    return property(limit, set_limit)


class AppRequest(Request):
    """A request of `app` (set by `request_class_for`)."""

    app: Flask
    max_content_length = _app_limit("max_content_length", "MAX_CONTENT_LENGTH")
    max_form_memory_size = _app_limit("max_form_memory_size", "MAX_FORM_MEMORY_SIZE")
    max_form_parts = _app_limit("max_form_parts", "MAX_FORM_PARTS")

    def _load_form_data(self) -> None:
        WerkzeugRequest._load_form_data(self)
        # as Flask: in debug mode a missing file of a form that is not multipart says why
        if self.app.debug and self.mimetype != "multipart/form-data" and not self.files:
            from flask.debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)


def request_class_for(app: Flask) -> type[AppRequest]:
    return type("Request", (AppRequest,), {"app": app})
