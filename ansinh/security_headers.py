"""Browser protections on every response: the console and the simulator load only their own
scripts, styles and images (no inline code, so an injected `<script>` or `onerror=` does nothing),
cannot be framed (clickjacking an approval button), are never sniffed into another type, and
send no address of theirs (which can name a beneficiary) to another site: `same-origin`, not
`no-referrer`, since Flask-WTF checks that a form posted over https came from our own pages.

Templates therefore hold no `<script>` with code, no `<style>`, no `style=""` and no `on…=`
handlers: behaviour lives in each blueprint's static .js, looks in its .css."""
from __future__ import annotations

CONTENT_SECURITY_POLICY = ("default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
                           "frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def install(app) -> None:
    @app.after_request
    def protect(response):
        # One pass over the few headers already set; Werkzeug's setdefault raises and catches a
        # KeyError (an HTTP exception object) for every header it does not find.
        headers = response.headers
        present = {name.lower() for name, _value in headers}
        for name, value in HEADERS.items():
            if name.lower() not in present:
                headers.add(name, value)
        return response
