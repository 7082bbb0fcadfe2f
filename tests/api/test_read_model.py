"""The commitment list reads a read model (rakor.api.queries.commitments: one Core select of the
columns shown) and builds its items in plain Python (serialize.commitment_row): the same
representation as the schema's, in a number of queries that does not grow with the rows."""
from rakor.api import queries, schemas, serialize
from rakor.commitments.models import Commitment
from rakor.extensions import db
from tests.api.conftest import bearer
from tests.factories import first_agency_commitment as data
from tests.factories.commitments import make_commitment

API = "/api/v1"


def _add(cm, n, **overrides):
    for i in range(n):
        make_commitment(cm.meeting, cm.committee, data(cm, title=f"Komitmen {i}", **overrides))
    db.session.commit()


def _list_queries(client, count_queries, secret, url):
    client.get(url, headers=bearer(secret))  # warm: the token's "last used" is written once a minute
    with count_queries() as log:
        response = client.get(url, headers=bearer(secret))
    assert response.status_code == 200
    return len(log.statements), len(response.json["items"])


def test_a_list_page_takes_the_same_queries_however_many_rows(client, cm, token_of, count_queries):
    region = cm.regions[0].kemendagri_code
    committee, delegate = token_of(cm.committee), token_of(cm.delegate)
    _add(cm, 2)
    small = {who: _list_queries(client, count_queries, secret, f"{API}/commitments?region={region}&limit=100")
             for who, secret in (("committee", committee), ("delegate", delegate))}
    _add(cm, 25, budget=None)
    large = {who: _list_queries(client, count_queries, secret, f"{API}/commitments?region={region}&limit=100")
             for who, secret in (("committee", committee), ("delegate", delegate))}
    for who in small:
        assert (small[who][1], large[who][1]) == (2, 27)
        assert small[who][0] == large[who][0], (who, small[who], large[who])
        assert large[who][0] <= 2  # the token, the page


def test_a_row_of_the_read_model_is_dumped_as_the_schema_dumps_the_entity(app, cm):
    _add(cm, 1)
    _add(cm, 1, indicator_id=None, programme_code=None, budget=None, target_value=None, target_date=None)
    for row in queries.commitments(cm.committee, limit=10):
        entity = queries.commitment(row.id)
        assert serialize.commitment_row(row) == serialize.commitment(entity)
        assert schemas.CommitmentOut().validate(serialize.commitment_row(row)) == {}
    assert db.session.query(Commitment).count() == 2
