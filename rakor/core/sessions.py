"""Flask's signed-cookie sessions, without the work that a request with no session cookie, or an
answer that never touched its session, cannot need (API calls with a token have neither).

Flask builds the cookie's signing serializer (itsdangerous, with its key derivation) before it
looks whether there is a cookie to read, and works out the cookie's name, domain, path and flags
before it sees that an empty, untouched session has nothing to write. Both answers stay as
Flask gives them: an empty session for no cookie, no header for an untouched empty one.
"""
from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified and not session.accessed:
            return  # Flask would set no cookie and no Vary either
        super().save_session(app, session, response)
