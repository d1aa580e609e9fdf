"""The schemathesis gate: the OpenAPI document tells the truth. Schemathesis reads /api/schema/,
generates requests for every operation (valid ones and broken ones) and checks each answer: never
a server error, only documented status codes and content types, bodies that match the documented
schema, and schema-violating input refused.

In-process (WSGI, no server), on the test database (one transaction per test: the writes are
rolled back). Bounded and derandomized, so that it fails the same way twice. One test module per
audience (test_anonymous.py, test_agent.py), each with its `headers` fixture (conftest.py has
the others) and the test that `gate_test()` makes: `make test` runs test modules whole on each
worker, and the two halves are the suite's longest modules.
"""

import zlib

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Every check of `schemathesis run` but one: whether a schema-valid request is accepted depends
# on the database (unknown reference codes, workflow transitions, duplicates), which a schema
# cannot say; those answers are 400s with an explanation, as they should be.
EXCLUDED_CHECKS = [positive_data_acceptance]
EXAMPLES_PER_OPERATION = 15

schema = schemathesis.pytest.from_fixture("api_schema")


def gate_test():
    """The test function, for a module that defines the `headers` fixture."""

    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test_api_matches_its_schema(case, known_values, headers):
        use_known_values(case, known_values)
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)

    return test_api_matches_its_schema


def use_known_values(case, known_values):
    """Half of the path values and reference codes generated become known ones, chosen from the
    generated value rather than at random, so that a failure replays the same. Only in valid
    requests: a broken one must stay broken where schemathesis broke it."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if isinstance(case.path_parameters, dict):
        for name, value in case.path_parameters.items():
            choices = known_values.get(case.operation.path) or known_values.get(name)
            case.path_parameters[name] = pick(value, choices)
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            case.body[name] = pick(value, known_values["body"].get(name))


def pick(value, choices):
    if not choices:
        return value
    digest = zlib.crc32(repr(value).encode("utf-8", "surrogatepass"))
    return choices[(digest // 2) % len(choices)] if digest % 2 else value
