"""The ceiling for webhook benchmarks: a bare Flask endpoint served exactly like AnSinh."""
from __future__ import annotations

from flask import Flask, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/ussd/africastalking")
    @app.post("/sms/twilio")
    def bare():
        _ = request.form.get("text") or request.form.get("Body")
        return "END ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    return app
