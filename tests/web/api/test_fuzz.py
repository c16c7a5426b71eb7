"""Schemathesis fuzzes every operation of /openapi.json: no 5xx, and every answer (status, content
type, headers, body) within the schema; invalid input (negative mode) is refused with a 4xx.
Bounded by the number of examples per operation and mode; ``DAILYPAPERS_FUZZ_EXAMPLES`` (default
15) raises it for a longer hunt.

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

# 15 examples per operation and mode keep one backend's two runs near 15 s; more for a hunt.
EXAMPLES = int(os.environ.get("DAILYPAPERS_FUZZ_EXAMPLES", "15"))


@pytest.mark.slow
@pytest.mark.store("api")
@pytest.mark.every_backend
def test_the_api_keeps_to_its_schema_under_fuzzing(settings_for_fuzz, db, alice_token):
    # Schema-valid values at the edges (huge numbers, long text, far dates) reach the store,
    # whose limits differ by backend: this mode runs on both.
    _fuzz_every_operation(settings_for_fuzz, db, alice_token, GenerationMode.POSITIVE)


@pytest.mark.slow
@pytest.mark.store("api")
def test_the_api_refuses_invalid_input_under_fuzzing(settings_for_fuzz, db, alice_token):
    # Schema-invalid requests are refused by the route's validation before any store call, the
    # same on both backends: like the web layer's other tests, this mode runs on SQLite.
    _fuzz_every_operation(settings_for_fuzz, db, alice_token, GenerationMode.NEGATIVE)


def _fuzz_every_operation(settings, db, token, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings, db))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures = [
        f"{operation.label}: {failure}"
        for operation in operations
        if (failure := _fuzz(operation, mode, data.bearer(token)))
    ]
    # Every operation is fuzzed before the verdict, so one run lists all that fail.
    assert not failures, "\n\n".join(failures)


def _fuzz(operation, mode: GenerationMode, headers: dict[str, str]) -> str | None:
    """What fuzzing one operation found wrong (None: nothing)."""

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
        try:
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
        except (Exception, BaseExceptionGroup) as error:  # a check failed, or the app raised
            request = case.as_curl_command(headers=headers)
            raise AssertionError(f"{_described(error)}\n{request}") from error

    try:
        fuzz()
    except Unsatisfiable:
        # Negative mode on an operation whose every input is valid (a free-form string id,
        # no body): there is no invalid request to make.
        assert mode == GenerationMode.NEGATIVE, operation.label
    except (AssertionError, ExceptionGroup) as error:  # hypothesis groups distinct failures
        return _described(error)
    return None


def _described(error: BaseException) -> str:
    """A failed check's message (each of a group's), or the exception the app raised."""
    if isinstance(error, BaseExceptionGroup):  # several checks failed: FailureGroup
        return "\n".join(_described(inner) for inner in error.exceptions)
    if isinstance(error, AssertionError):  # one check failed: schemathesis' Failure
        return str(error).strip()
    return f"{type(error).__name__}: {error}"


@pytest.fixture
def settings_for_fuzz(settings):
    # Indexing asks arXiv: point it at a closed port (a quick 502) rather than the internet.
    # (http.RETRIES is 0 for every test: see the root ``quick`` fixture.)
    return settings.model_copy(update={"arxiv_api_url": "http://127.0.0.1:9/api/query"})
