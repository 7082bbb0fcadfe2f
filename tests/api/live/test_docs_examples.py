"""The examples of docs/api.md, run as written (curl through bash, Python through this
interpreter) against the live server with the demo loaded: the docs cannot rot."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
BLOCK = re.compile(r"<!-- example: (?P<name>[\w-]+) -->\n```(?P<lang>\w+)\n(?P<code>.*?)```", re.S)


def examples():
    return {m["name"]: (m["lang"], m["code"]) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}


def run(name, stdin=None, check=True, **env):
    lang, code = examples()[name]
    command = ["bash", "-e", "-c", code] if lang == "sh" else [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, input=stdin,
                            env={**os.environ, **{k: str(v) for k, v in env.items()}})
    if check:
        assert result.returncode == 0, f"{name}:\n{result.stdout}\n{result.stderr}"
    return result


def _kotabaru_agreed(app, topic=None):
    from rakor.commitments.models import Commitment
    from rakor.extensions import db
    from rakor.meetings.models import Topic
    from rakor.regions.models import Agency, Region

    with app.app_context():
        stmt = (select(Commitment).join(Agency, Agency.id == Commitment.agency_id)
                .join(Region, Region.id == Agency.region_id)
                .where(Region.kemendagri_code == "63.02", Commitment.status == "agreed"))
        if topic:
            stmt = stmt.join(Topic, Topic.id == Commitment.indicator_id).where(Topic.code == topic)
        rows = db.session.scalars(stmt).all()
        found = {c.reference: (c.id, c.programme_code) for c in rows}
        db.session.remove()
    return found


def test_every_example_is_run_here():
    assert set(examples()) == {"pull-curl", "pull-python", "push-curl", "push-python", "verify-python"}


def test_pull_agreed_commitments_of_kotabaru(api_server):
    base, app, secrets = api_server
    expected = _kotabaru_agreed(app)
    assert expected  # the demo has agreed commitments of Kotabaru in 2024
    env = {"RAKOR_URL": base, "RAKOR_TOKEN": secrets["delegate"], "YEAR": 2024}
    import json

    pulled = json.loads(run("pull-curl", **env).stdout)
    assert {c["reference"]: c["programme_code"] for c in pulled["items"]} == \
        {ref: code for ref, (_id, code) in expected.items()}
    lines = [line.split("\t") for line in run("pull-python", **env).stdout.splitlines()]
    assert {line[0]: line[1] for line in lines} == {ref: code for ref, (_id, code) in expected.items()}
    assert json.loads(run("pull-curl", **{**env, "YEAR": 2023}).stdout)["items"] == []


@pytest.mark.parametrize("example", ["push-curl", "push-python"])
def test_push_triwulan_iii(api_server, example):
    base, app, secrets = api_server
    reference, (commitment_id, _code) = sorted(_kotabaru_agreed(app, "KEMISKINAN").items())[0]
    out = run(example, RAKOR_URL=base, RAKOR_TOKEN=secrets["delegate"], COMMITMENT_ID=commitment_id,
              REFERENCE=reference).stdout
    from rakor.extensions import db
    from rakor.progress.models import ProgressUpdate

    with app.app_context():
        update = db.session.scalar(select(ProgressUpdate).where(
            ProgressUpdate.commitment_id == commitment_id, ProgressUpdate.period == "2024-Q3",
            ProgressUpdate.is_current))
        assert update is not None and update.status == "on_track"
        assert str(update.realised_value.normalize()) in out or str(update.id) in out
        db.session.remove()


def test_verify_a_webhook_signature_sent_by_rakor_to_a_real_receiver(api_server):
    """The endpoint receives a real delivery (a progress update pushed and verified through the
    API of the live server, sent by Rakor's own sender); the docs' code accepts it and refuses it
    tampered or checked with another secret."""
    import requests

    from tests.api.test_webhooks import Receiver

    base, app, secrets = api_server
    receiver = Receiver()
    secret = "docs-example-secret-0123456789"
    try:
        from rakor.api import webhooks
        from rakor.extensions import db

        with app.app_context():
            webhooks.register(receiver.url, secret, ["progress.verified"], None, allow_internal=True)
            db.session.commit()
            db.session.remove()
        _reference, (commitment_id, _code) = sorted(_kotabaru_agreed(app, "KEMISKINAN").items())[0]
        pushed = requests.post(f"{base}/api/v1/commitments/{commitment_id}/progress", timeout=30,
                               headers={"Authorization": f"Bearer {secrets['delegate']}"},
                               json={"period": "2024-Q2", "status": "at_risk", "realised_value": "2.70"})
        assert pushed.status_code == 201, pushed.text
        verified = requests.post(f"{base}/api/v1/progress/{pushed.json()['id']}/verify", json={}, timeout=30,
                                 headers={"Authorization": f"Bearer {secrets['committee']}",
                                          "If-Match": pushed.headers["ETag"]})
        assert verified.status_code == 200, verified.text
        with app.app_context():
            for delivery_id in webhooks.due():
                webhooks.send(delivery_id)
            db.session.commit()
            db.session.remove()
        [(headers, body)] = receiver.received
    finally:
        receiver.close()
    text = body.decode()
    ok = run("verify-python", stdin=text, WEBHOOK_SECRET=secret, SIGNATURE=headers["X-Rakor-Signature"])
    assert ok.stdout.strip() == "valid"
    tampered = run("verify-python", stdin=text.replace("verified", "returned"), check=False,
                   WEBHOOK_SECRET=secret, SIGNATURE=headers["X-Rakor-Signature"])
    assert tampered.returncode == 1 and tampered.stdout.strip() == "INVALID"
    other = run("verify-python", stdin=text, check=False, WEBHOOK_SECRET="not-the-secret",
                SIGNATURE=headers["X-Rakor-Signature"])
    assert other.returncode == 1
