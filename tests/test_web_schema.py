"""The REST API against its own OpenAPI schema (issue 15, "schemathesis against the OpenAPI
schema finds no 5xx and no schema violation"): schemathesis generates requests for every
operation of /api/openapi.json, sends them with an admin's token to an app on the mini ledger,
and checks that no answer is a server error and every answer's body is what the schema says
for its status code.

Kept small for the suite (a few examples per operation, derandomised so a run is repeatable):
a thorough run is `schemathesis run` against a served ledger with more examples.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from helpers import load_mini
from pairaid.ledger import Store
from pairaid.ledger.accounts import add_account
from pairaid.web import Settings, create_app

#: examples per operation (x ~130 operations: the run stays under a minute on a loaded machine)
EXAMPLES = 5
CHECKS = [not_a_server_error, response_schema_conformance]


def _served() -> tuple:
    """(app, admin token) on the mini ledger, made as the module is collected (the schema's
    operations become the test's parameters); the folder goes when the process ends."""
    folder = tempfile.TemporaryDirectory(prefix="pairaid-schema-")
    path = Path(folder.name) / "ledger.db"
    with Store.open(path) as store:
        load_mini(store)
        token = add_account(store, "schema-admin", "admin")
    app = create_app(Settings(db=str(path), token_failures_per_minute=100_000))
    app.state.test_folder = folder  # kept alive as long as the app
    return app, token


APP, ADMIN = _served()
#: the fuzzing phase only, `EXAMPLES` cases per operation: the coverage phase's boundary cases
#: (every parameter's edges, unbounded by max_examples) take ~4 minutes over this many operations
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "examples": {"enabled": False}}})
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP, config=CONFIG)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_server_error_or_off_its_schema(case):
    case.call_and_validate(headers={"Authorization": f"Bearer {ADMIN}"}, checks=CHECKS)
