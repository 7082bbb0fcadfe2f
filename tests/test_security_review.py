"""Security review: regression tests for defects found by attacking the app through the test
client (huge ids, odd query strings, IDOR, role escalation, uploads, invitations)."""
import pytest

from rakor.core.urls import MAX_ID
from tests.test_policy import all_rules

TOO_BIG = str(10**22)


# --- ids beyond 32 bits in a URL are 404, never a 500 ---------------------------------------

def _url_with_ids(app, rule, value):
    values = {}
    for arg in rule.arguments:
        int_arg = rule._converters[arg].__class__.__name__ == "IdConverter"
        values[arg] = 1 if int_arg else "x"
    with app.test_request_context():
        url = rule.build(values, append_unknown=False)[1]
    # Put the huge number where each integer argument is (build() would refuse it).
    parts = url.split("/")
    return "/".join(value if p == "1" else p for p in parts)


@pytest.mark.parametrize("role", ["admin", "committee", "delegate", "leadership"])
def test_huge_ids_in_urls_are_404_for_every_role(app, client, login_as, role):
    login_as(role)
    problems = []
    for rule in all_rules(app):
        if not any(rule._converters[a].__class__.__name__ == "IdConverter" for a in rule.arguments):
            continue
        url = _url_with_ids(app, rule, TOO_BIG)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if response.status_code not in (404, 405):  # 405: another rule of the path
                problems.append(f"{method} {url}: {response.status_code}")
    assert problems == []


def test_largest_32_bit_id_is_a_plain_404(client, login_as):
    login_as("committee")
    assert client.get(f"/meetings/{MAX_ID}").status_code == 404
    assert client.get(f"/meetings/{MAX_ID + 1}").status_code == 404
    assert client.get(f"/admin/users/{MAX_ID + 1}/edit").status_code in (403, 404)
