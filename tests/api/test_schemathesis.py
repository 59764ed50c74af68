"""schemathesis against every operation of the OpenAPI document, in process (WSGI), on
PostgreSQL: generated requests, valid and invalid, as a province administrator and as a
regency operator; no answer may be a server error. The number of cases is printed."""

from __future__ import annotations

import pytest

from berdaya.api.services import token_create

pytestmark = pytest.mark.postgres

EXAMPLES = 25  # per operation, per generation mode and user: capped to keep CI short


@pytest.fixture
def in_process():
    """Requests run in this thread, inside the test's transaction: as Django's test client
    does, the connection is not closed at the end of each request."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_no_operation_answers_with_a_server_error(users, stocked, capsys, in_process):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.generation import GenerationMode

    from berdaya.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    tokens = {
        role: token_create(actor=users[role], user=users[role], name="schemathesis")[1]
        for role in ("admin", "op_smd")
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    cases = 0
    failures: list[str] = []

    def fuzz(operation, mode, role, raw):
        headers = {"Authorization": f"Bearer {raw}"}

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            nonlocal cases
            cases += 1
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(
                    f"{role}: {case.method} {case.formatted_path} "
                    f"query={case.query} body={case.body!r}: {response.status_code}"
                )

        run()

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for role, raw in tokens.items():
                fuzz(operation, mode, role, raw)
    with capsys.disabled():
        print(
            f"\nschemathesis: {len(operations)} operations, {cases} cases, "
            f"{len(failures)} server errors"
        )
    assert not failures, "\n".join(failures[:20])
