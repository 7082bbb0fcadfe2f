"""Security headers on every response, and the checks production refuses to start without.

One `after_request` sets the headers, so a new page or feature cannot forget them. Headers a
view already set win: material downloads send a stricter sandbox CSP of their own.

The CSP allows only the app's own files. Bootstrap's CSS and JS are served by Bootstrap-Flask
from this origin (BOOTSTRAP_SERVE_LOCAL), its icons are `data:` SVGs in the CSS (img-src data:).
Templates therefore carry no inline <script>, no on*= handlers, no style="" attributes and no
<style> blocks: behaviour lives in static/js/rakor.js, looks in static/css/rakor.css.
PDFs rendered by WeasyPrint are made on the server and are not subject to it.
"""
import math
from collections import Counter

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# camera=(self): the check-in desk will scan QR codes with the phone's camera.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # invitation links carry their token in the path
    "Permissions-Policy": PERMISSIONS_POLICY,
}


_LOWERED = tuple((name.lower(), name, value) for name, value in HEADERS.items())


def init_app(app):
    @app.after_request
    def set_security_headers(response):
        # The names present read in one pass: werkzeug's setdefault walks every header (each
        # name lowered) for each of the six.
        headers = response.headers
        present = {key.lower() for key in headers.keys()}
        for lowered, name, value in _LOWERED:
            if lowered not in present:
                headers.add(name, value)
        hsts = app.config.get("HSTS")  # production only: a development server speaks plain http
        if hsts and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", hsts)
        return response


# --- production start-up checks ---------------------------------------------------------------

MIN_KEY_LENGTH = 32
MIN_KEY_BITS = 128


def estimated_bits(key: str) -> float:
    """Length times the Shannon entropy of the key's own character frequencies: an upper bound
    of what the string can hold (0 for 'aaaa…', 64 for 'abcd'*8, ~245 for token_hex(32))."""
    n = len(key)
    return n * -sum(c / n * math.log2(c / n) for c in Counter(key).values()) if n else 0.0


def _repeats(key: str) -> bool:
    """'abcdefgh' * 4: the key is a shorter string said again."""
    return any(key == (key[:p] * (len(key) // p + 1))[:len(key)] for p in range(1, len(key) // 2 + 1))


def _mostly_a_run(key: str) -> bool:
    """'abcdefghijklmnopqrstuvwxyz012345': most neighbours are next to each other in the alphabet."""
    steps = [abs(ord(b) - ord(a)) <= 1 for a, b in zip(key, key[1:], strict=False)]
    return sum(steps) > len(steps) / 2


def secret_key_problem(key, dev_key) -> str | None:
    """Why `key` may not sign production sessions, or None."""
    if not key or dev_key in key:
        return "SECRET_KEY is not set, or is (or contains) the development key"
    if len(key) < MIN_KEY_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_KEY_LENGTH} characters"
    if _repeats(key) or _mostly_a_run(key) or estimated_bits(key) < MIN_KEY_BITS:
        return "SECRET_KEY looks typed or repeated, not random (too little entropy)"
    return None


def production_problems(config, dev_key) -> list[str]:
    """What a production deployment lacks; `create_app` refuses to start if anything is listed."""
    problems = []
    key_problem = secret_key_problem(config.get("SECRET_KEY"), dev_key)
    if key_problem:
        problems.append(
            f"{key_problem}. Make one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    from rakor.core.urls import base_url_problem

    url_problem = base_url_problem(config.get("BASE_URL"))
    if url_problem:
        problems.append(
            f"{url_problem}: links in e-mails, QR codes and the minutes would follow whatever Host "
            "a request names. Set BASE_URL to the public address, e.g. https://rakor.bappeda.example.go.id"
        )
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if config.get("RATELIMIT_ENABLED", True) and storage.startswith("memory://"):
        problems.append(
            "RATELIMIT_STORAGE_URI is memory://: each gunicorn worker would count sign-in attempts "
            "on its own, multiplying every limit. Set RATELIMIT_STORAGE_URI (or REDIS_URL) to a "
            "shared Redis, e.g. redis://127.0.0.1:6379/0"
        )
    return problems


def refuse_insecure_production(app, dev_key):
    if app.config.get("ENV_NAME") != "production":
        return
    problems = production_problems(app.config, dev_key)
    if problems:
        raise RuntimeError("Refusing to start in production:\n- " + "\n- ".join(problems))
