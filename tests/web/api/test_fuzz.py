"""Schemathesis fuzzes every operation of /openapi.json: no 5xx, and every answer (status, content
type, headers, body) within the schema; invalid input (negative mode) is refused with a 4xx.
Bounded by the number of examples per operation and mode; ``DAILYPAPERS_FUZZ_EXAMPLES`` (default
30) raises it for a longer hunt.

(schemathesis' pytest integration does not run on pytest 9, so each operation's hypothesis
strategy is driven here directly: the same generation and the same checks.)
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from dailypapers.web.app import create_app
from tests.support import data

EXAMPLES = int(os.environ.get("DAILYPAPERS_FUZZ_EXAMPLES", "30"))  # more for a longer hunt


@pytest.mark.slow
@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
@pytest.mark.store("api")
def test_the_api_keeps_to_its_schema_under_fuzzing(settings_for_fuzz, db, alice_token, mode):
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings_for_fuzz, db))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case) -> None:
            # Schema-valid is not always valid: 2025-02-30 has the shape of a date, an unknown id
            # the shape of an id. Those are refused with 400/404 on purpose, so the check that
            # every schema-valid request is accepted is left out; all the others run.
            case.call_and_validate(
                headers=data.bearer(alice_token), excluded_checks=[positive_data_acceptance]
            )

        try:
            fuzz()
        except Unsatisfiable:
            # Negative mode on an operation whose every input is valid (a free-form string id,
            # no body): there is no invalid request to make.
            assert mode == GenerationMode.NEGATIVE, operation.label
        except Exception as error:
            raise AssertionError(f"{operation.label}: {error}") from error


@pytest.fixture
def settings_for_fuzz(settings):
    # Indexing asks arXiv: point it at a closed port (a quick 502) rather than the internet.
    # (http.RETRIES is 0 for every test: see the root ``quick`` fixture.)
    return settings.model_copy(update={"arxiv_api_url": "http://127.0.0.1:9/api/query"})
