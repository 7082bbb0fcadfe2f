"""Schemathesis hooks for the stateful run (loaded through SCHEMATHESIS_HOOKS): a created
commitment is the start of the chains create -> read -> edit/agree/return, so its body names a
meeting the role may add commitments to (and, for the committee, an agency); every other field
stays generated. The stateless run (test_schemathesis.py) keeps fuzzing these fields too."""
import os

import schemathesis


@schemathesis.hook
def before_call(ctx, case, kwargs):
    if (case.method.upper() == "POST" and case.operation.path.rstrip("/").endswith("/commitments")
            and isinstance(case.body, dict)):
        for field, variable in (("meeting_id", "RAKOR_ST_MEETING"), ("agency_id", "RAKOR_ST_AGENCY")):
            if os.environ.get(variable):
                case.body[field] = int(os.environ[variable])
