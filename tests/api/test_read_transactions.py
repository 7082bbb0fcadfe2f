"""How an API request ends its transaction."""
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.api.conftest import bearer
from tests.factories import make_user


def test_a_successful_read_commits_and_a_failed_one_rolls_back(client, token_of):
    """psycopg forgets its prepared statements on ROLLBACK: a read that succeeded ends with
    COMMIT so that its statement stays prepared on the connection (rakor/api/__init__.py)."""
    secret = token_of(make_user("committee"))
    client.get("/api/v1/regions", headers=bearer(secret))  # its first use is recorded (a commit)
    ended = []

    def committed(session):
        ended.append("commit")

    event.listen(Session, "after_commit", committed)
    try:
        assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
        assert ended == ["commit"]
        ended.clear()
        assert client.get("/api/v1/commitments/999999999", headers=bearer(secret)).status_code == 404
        assert ended == []
    finally:
        event.remove(Session, "after_commit", committed)
