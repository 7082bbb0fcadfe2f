"""Schemathesis (an outside API fuzzer) against the live app's OpenAPI description, with a token
of each role: no 5xx, responses match their schemas, status codes and content types are the
documented ones. Bounded examples keep it within the suite's time; the seed makes a failure
reproducible (the command is printed)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,"
          "content_type_conformance,response_headers_conformance")
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.parametrize("role", ["committee", "delegate", "leadership", "admin"])
def test_schemathesis_finds_nothing(api_server, role):
    base, _app, secrets = api_server
    command = [str(SCHEMATHESIS), "run", f"{base}/api/v1/openapi.json", "--checks", CHECKS,
               "--max-examples", MAX_EXAMPLES, "--seed", "21", "--workers", "1",
               "--header", f"Authorization: Bearer {secrets[role]}", "--header", "Accept-Language: en",
               "--generation-deterministic", "--no-color", "--max-failures", "5"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NO_COLOR": "1"})
    shown = " ".join(c if "Bearer" not in c else "Authorization: Bearer <token>" for c in command)
    assert result.returncode == 0, f"{shown}\n{result.stdout[-20000:]}\n{result.stderr[-2000:]}"
