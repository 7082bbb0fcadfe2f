"""Schemathesis (an outside API fuzzer) against the live app's OpenAPI description, with a token
of each role: no 5xx, responses match their schemas, status codes and content types are the
documented ones. Bounded examples keep it within the suite's time (the four roles run at the
same time: a run mostly waits on the network); the seed makes a failure reproducible."""
import os
import subprocess
import sys
from pathlib import Path

from tests.api.live.conftest import ROLES

CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,"
          "content_type_conformance,response_headers_conformance")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _command(base, secret):
    return [str(SCHEMATHESIS), "run", f"{base}/api/v1/openapi.json", "--checks", CHECKS,
            "--max-examples", MAX_EXAMPLES, "--seed", "21", "--workers", "1",
            "--header", f"Authorization: Bearer {secret}", "--header", "Accept-Language: en",
            "--generation-deterministic", "--no-color", "--max-failures", "5"]


def test_schemathesis_finds_nothing_for_any_role(api_server, tmp_path):
    base, _app, secrets = api_server
    # Each run in a folder of its own: Schemathesis keeps a cache (.schemathesis/) where it runs.
    for role in ROLES:
        (tmp_path / role).mkdir()
    runs = {role: subprocess.Popen(_command(base, secrets[role]), stdout=subprocess.PIPE, cwd=tmp_path / role,
                                   stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_COLOR": "1"})
            for role in ROLES}
    failed = {}
    for role, process in runs.items():
        output, _ = process.communicate(timeout=600)
        if process.returncode != 0:
            failed[role] = output[-12000:]
    report = "\n".join(f"=== {role} (token of {ROLES[role]}) ===\n{out}" for role, out in failed.items())
    assert not failed, f"{' '.join(_command(base, '<token>'))}\n{report}"
