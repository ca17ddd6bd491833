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


class AppRequest(Request):
    """A request of `app` (set by `request_class_for`)."""

    app: Flask

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        return self.app.config["MAX_CONTENT_LENGTH"]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        return self.app.config["MAX_FORM_MEMORY_SIZE"]

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property
    def max_form_parts(self) -> int | None:
        if self._max_form_parts is not None:
            return self._max_form_parts
        return self.app.config["MAX_FORM_PARTS"]

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    def _load_form_data(self) -> None:
        WerkzeugRequest._load_form_data(self)
        # as Flask: in debug mode a missing file of a form that is not multipart says why
        if self.app.debug and self.mimetype != "multipart/form-data" and not self.files:
            from flask.debughelpers import attach_enctype_error_multidict

            attach_enctype_error_multidict(self)


def request_class_for(app: Flask) -> type[AppRequest]:
    return type("Request", (AppRequest,), {"app": app})
