"""Every endpoint declares its access; anonymous users never get a 500 anywhere."""
import pytest
from werkzeug.routing import IntegerConverter

from rakor.policy import NO_SIGN_IN_PAGE, declared_access
from tests.helpers import all_rules


def test_every_endpoint_declares_an_access_policy(app):
    with app.test_request_context():
        undeclared = sorted(r.endpoint for r in app.url_map.iter_rules()
                            if declared_access(r.endpoint) is None)
    assert undeclared == [], f"endpoints without @public/@authenticated/@roles: {undeclared}"


def test_the_url_map_covers_the_api(app):
    """The API's endpoints are in the walk above (and so declare their access)."""
    api_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(api_rules) >= 20
    assert {r.endpoint.split(".")[0] for r in api_rules} >= NO_SIGN_IN_PAGE


def _sample_url(rule):
    values = {}
    for arg in rule.arguments:
        values[arg] = 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def test_anonymous_is_redirected_to_login_everywhere(app, client):
    problems = []
    with app.test_request_context():
        for rule in all_rules(app):
            access = declared_access(rule.endpoint)
            url = _sample_url(rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method)
                if response.status_code >= 500:
                    problems.append(f"{method} {url}: {response.status_code}")
                elif access[0] != "public" and rule.endpoint.split(".")[0] in NO_SIGN_IN_PAGE:
                    # the HTTP API: 401 problem, never the sign-in page
                    if response.status_code != 401 or response.mimetype != "application/problem+json":
                        problems.append(f"{method} {url}: {response.status_code} {response.mimetype}")
                elif access[0] != "public":
                    if response.status_code != 302 or not response.location.startswith("/login"):
                        problems.append(f"{method} {url}: {response.status_code} {response.location}")
    assert problems == []


@pytest.mark.parametrize("role", ["admin", "committee", "delegate", "leadership"])
def test_every_get_endpoint_as_every_role_never_500s_and_obeys_roles(app, client, login_as, role):
    login_as(role)
    problems = []
    with app.test_request_context():
        rules = all_rules(app)
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        access = declared_access(rule.endpoint)
        with app.test_request_context():
            url = _sample_url(rule)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        if access[0] == "roles" and role not in access[1] and response.status_code != 403:
            problems.append(f"{url}: {role} got {response.status_code}, expected 403")
    assert problems == []
