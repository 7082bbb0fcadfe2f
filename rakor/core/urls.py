"""URL helpers: the id converter, safe query integers and `next` targets, and every link that
leaves the site (external_url), which is built from the configured BASE_URL, never from the
request's Host header."""
from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for
from werkzeug.routing import IntegerConverter
from werkzeug.sansio.utils import host_is_trusted

# Database ids are 32-bit integers: a larger number in a URL names nothing (and SQLite cannot
# even bind it: OverflowError, a 500) -- the URL map answers 404 before any view runs.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` with an upper bound of MAX_ID unless the rule gives its own `max`."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(args, name, lo=1, hi=MAX_ID):
    """A query-string integer within [lo, hi], else None: '-1', '²' (str.isdigit says yes, int()
    raises), 10**22 and non-numbers are all "not given"."""
    value = (args.get(name) or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if lo <= number <= hi else None


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths: '/meetings/1', never '//evil', 'https://evil', '/\\evil'."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(c in target for c in "\r\n\t\\"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def refuse_nul_characters():
    """Before every request: a NUL character is never part of a real path, query or form value,
    and PostgreSQL refuses it in any text parameter (psycopg DataError: a 500 on the login form,
    every search box, /c/<code>...). Such a request gets the 400 page instead."""
    def has_nul(multidict):
        return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True))

    if "\x00" in request.path or has_nul(request.args) or (
            request.method in ("POST", "PUT", "PATCH") and has_nul(request.form)):
        abort(400)


def url_pattern(endpoint, key, **values):
    """A function id -> url_for(endpoint, **values, key=id), built with one url_for: a list's
    row links differ by one integer only (65 url_for calls were a twentieth of a page's time)."""
    marker = str(MAX_ID)  # an id the converter accepts, and no other part of these URLs holds
    url = url_for(endpoint, **values, **{key: MAX_ID})
    if url.count(marker) != 1:
        raise ValueError(f"{endpoint}: the id is not the only {marker} in {url}")
    head, _marker, tail = url.partition(marker)

    def build(row_id: int) -> str:
        return f"{head}{int(row_id)}{tail}"

    return build


# --- links that leave the site -----------------------------------------------------------------

def base_url_problem(value) -> str | None:
    """Why `value` cannot be the deployment's BASE_URL, or None."""
    if not value:
        return "BASE_URL is not set"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"BASE_URL {value!r} is not an http(s) address such as https://rakor.bappeda.example.go.id"
    if parts.query or parts.fragment or parts.username or parts.password:
        return f"BASE_URL {value!r} may hold only scheme, host, port and path"
    return None


def trusted_hosts(config) -> list[str]:
    """Hosts a request may name: BASE_URL's host and TRUSTED_HOSTS (comma-separated; a leading
    dot accepts subdomains). Any other Host (or X-Forwarded-Host) gets the 400 page."""
    hosts = [h.strip().lower() for h in str(config.get("EXTRA_TRUSTED_HOSTS") or "").split(",") if h.strip()]
    if config.get("BASE_URL") and not base_url_problem(config["BASE_URL"]):
        hosts.insert(0, urlsplit(config["BASE_URL"]).hostname)
    return list(dict.fromkeys(hosts))


def refuse_untrusted_host():
    """Before every request: the Host (X-Forwarded-Host behind PROXY_HOPS proxies) must be one
    of ALLOWED_HOSTS, so nothing (a cached page, a password-reset link one day) can be made for
    a forged host. A view marked `_rakor_any_host` (rakor/ops: health checks and metrics, reached
    by the host's address) is let through: it builds no link."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "_rakor_any_host", False):
        return
    if not host_is_trusted(request.host, current_app.config["ALLOWED_HOSTS"]):
        abort(400)


def external_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` for people outside the site: e-mails, QR codes, the
    minutes' verification URL frozen into a PDF, tickets, calendar files. Always on the configured
    BASE_URL (scheme, host and path prefix), whatever Host the current request named, and usable
    outside a request (CLI, document worker)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def deployment_domain() -> str:
    """BASE_URL's host name: the domain of calendar UIDs and Message-IDs, so two installations'
    meetings and mails never share an identifier."""
    return urlsplit(current_app.config["BASE_URL"]).hostname
