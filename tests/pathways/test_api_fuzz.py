"""Property-based fuzz of the JSON API against its own OpenAPI document (schemathesis).

API.md: "No request, however malformed, gets a 500", errors are `application/problem+json`, and
every documented operation declares all status codes it can return. Every operation of
`GET /api/v1/openapi.json` is fuzzed in process (the WSGI app: no network), with schema-valid
and schema-invalid requests, as an admin, an officer and a destination ministry (bearer tokens)
and without a token, and every response must pass:

- `not_a_server_error`: no 5xx;
- `status_code_conformance`: the status is declared for the operation;
- `content_type_conformance`: the content type is declared for that status;
- `response_schema_conformance`: the body matches the declared schema (the 2xx models, and the
  Problem schema for errors).

Bounded and reproducible: MAX_EXAMPLES per operation and generation mode, derandomized (the
seed comes from the test's source), no example database.

FIXED_BUGS lists what the fuzz found (500s for out-of-range ids, pages and dates, and NUL
characters on PostgreSQL); each (bug, operation) replays its minimal request as a regression
test, and the fuzz runs every check on every input.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed: pip install -e '.[test]'"
)

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.core.failures import FailureGroup  # noqa: E402

OPENAPI_PATH = "/api/v1/openapi.json"
SEED = 20261128
MAX_EXAMPLES = 25  # per operation and generation mode (positive, negative)
ANONYMOUS_PROTECTED_EXAMPLES = 5  # without a token a protected operation answers 401 up front
# Who calls: (role, country) for auth_header, None without a token. The admin reaches every
# handler, on both databases; an officer and a destination ministry go through their own
# guards and scopes (403, 404 for what is not theirs) with a smaller budget each, on SQLite.
CALLERS: dict[str, tuple[str, ...] | None] = {
    "admin": ("admin",),
    "officer": ("officer",),
    "ministry": ("ministry", "US"),
    "anonymous": None,
}
EXAMPLES = {"officer": 10, "ministry": 10}
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
SERVER_ERROR = ("not_a_server_error", "status_code_conformance")  # an undeclared 500 fails both
INT32 = range(-(2**31), 2**31)  # vacancy.id: INTEGER, int32 on PostgreSQL (int64 on SQLite)
INT64_MAX = 2**63 - 1  # LIMIT/OFFSET bind as int64 on both backends


def _check(name: str) -> Any:
    import schemathesis.checks

    return getattr(schemathesis.checks, name)


# --- known bugs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownBug:
    """A contract violation this fuzz found and the application does not fix yet."""

    name: str
    operations: tuple[str, ...]  # "GET /api/v1/programs", as in the document
    checks: tuple[str, ...]  # the checks it fails
    reason: str
    reproducer: dict[str, Any]  # APIOperation.Case keyword arguments: the minimal request
    applies_to: Callable[[Any], bool]  # does a generated case belong to the bug's input class?
    authenticated: bool = True
    backends: tuple[str, ...] = ("sqlite", "postgresql")  # where it shows

    def affects(self, database_url: str) -> bool:
        return database_url.split(":", 1)[0].split("+", 1)[0] in self.backends


def _int(value: Any, default: int) -> int | None:
    try:
        return default if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _vacancy_id_out_of_range(case: Any) -> bool:
    value = (case.path_parameters or {}).get("vacancy_id")
    return isinstance(value, int) and value not in INT32


def _offset_out_of_range(case: Any) -> bool:
    query = case.query or {}
    page, per_page = _int(query.get("page"), 1), _int(query.get("per_page"), 50)
    return page is not None and per_page is not None and (page - 1) * per_page > INT64_MAX


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _nul_in_request(case: Any) -> bool:
    body = getattr(case, "body", None)
    return _has_nul(case.query) or _has_nul(case.path_parameters) or _has_nul(body)


def _as_of_without_cap_window(case: Any) -> bool:
    try:
        as_of = date.fromisoformat(str((case.query or {}).get("as_of")))
    except ValueError:
        return False
    return (as_of.year, as_of.month) < (1, 10) or (as_of.year, as_of.month) >= (9999, 10)


FIXED_BUGS: list[KnownBug] = [
    KnownBug(
        name="vacancy-id-overflow",
        operations=(
            "GET /api/v1/vacancies/{vacancy_id}",
            "PATCH /api/v1/vacancies/{vacancy_id}",
            "POST /api/v1/vacancies/{vacancy_id}/close",
        ),
        checks=SERVER_ERROR,
        reason="BUG vacancy-id-overflow: a {vacancy_id} beyond the id column reaches the database "
        "unchecked (api/vacancies.py _get → session.get) and answers an undeclared 500 instead "
        "of 404. PostgreSQL: any id > 2**31-1, e.g. /api/v1/vacancies/2147483648 (DataError "
        "'integer out of range'); SQLite: > 2**63-1 (OverflowError 'Python int too large to "
        "convert to SQLite INTEGER')",
        reproducer={"path_parameters": {"vacancy_id": 2**63}},
        applies_to=_vacancy_id_out_of_range,
    ),
    KnownBug(
        name="page-offset-overflow",
        operations=("GET /api/v1/vacancies", "GET /api/v1/audit-events"),
        checks=SERVER_ERROR,
        reason="BUG page-offset-overflow: PageQuery.page has no upper bound, so "
        "(page-1)*per_page > 2**63-1 overflows the SQL OFFSET and answers an undeclared 500 "
        "instead of 422 (or an empty page), e.g. ?page=200000000000000000",
        reproducer={"query": {"page": 200_000_000_000_000_000}},
        applies_to=_offset_out_of_range,
    ),
    KnownBug(
        name="programs-as-of-year-range",
        operations=("GET /api/v1/programs",),
        checks=SERVER_ERROR,
        reason="BUG programs-as-of-year-range: GET /api/v1/programs?as_of=0001-01-01 (any as_of "
        "in 0001-01..0001-09 or 9999-10..9999-12) answers an undeclared 500: "
        "services/programs.cap_window builds date(fiscal_year ± 1, ...) → ValueError 'year "
        "0 / 10000 is out of range'. ProgramsQuery.as_of has no bounds, while POST "
        "/eligibility answers 422 for the same dates",
        reproducer={"query": {"as_of": "0001-01-01"}},
        applies_to=_as_of_without_cap_window,
        authenticated=False,
    ),
    KnownBug(
        name="postgres-nul-in-text",
        operations=(
            "GET /api/v1/audit-events",
            "GET /api/v1/vacancies",
            "POST /api/v1/vacancies",
            "PATCH /api/v1/vacancies/{vacancy_id}",
        ),
        checks=SERVER_ERROR,
        reason="BUG postgres-nul-in-text (PostgreSQL only): a string with a NUL character "
        "(\\u0000, %00) that reaches a query or a text column answers an undeclared 500 "
        "(psycopg DataError 'PostgreSQL text fields cannot contain NUL (0x00) bytes') instead "
        "of 422: GET /audit-events?action=a%00b (or entity=), GET /vacancies?q=a%00b, any "
        "string field of POST /vacancies or PATCH /vacancies/{id} (e.g. title 'Farm\\u0000worker')",
        reproducer={"query": {"action": "a\x00b"}},
        applies_to=_nul_in_request,
        backends=("postgresql",),
    ),
]

VACANCY = {
    "program": "US-H2A",
    "title": "Farmworker",
    "positions": 10,
    "worksite": {"country": "US", "subdivision": "US-WA", "city": "Yakima"},
    "wage": {"amount": 17.13, "currency": "USD", "per": "hour"},
    "start_date": "2027-04-01",
    "end_date": "2027-10-31",
}
EXISTING = object()  # stands for the id of a vacancy the test creates first
# Where a bug's reproducer alone is not a request the operation accepts up to the bug.
REPRODUCERS: dict[tuple[str, str], dict[str, Any]] = {
    ("vacancy-id-overflow", "PATCH /api/v1/vacancies/{vacancy_id}"): {
        "path_parameters": {"vacancy_id": 2**63},
        "body": {},
    },
    ("postgres-nul-in-text", "GET /api/v1/vacancies"): {"query": {"q": "a\x00b"}},
    ("postgres-nul-in-text", "POST /api/v1/vacancies"): {
        "body": {**VACANCY, "title": "Farm\x00worker"}
    },
    ("postgres-nul-in-text", "PATCH /api/v1/vacancies/{vacancy_id}"): {
        "path_parameters": {"vacancy_id": EXISTING},
        "body": {"title": "Farm\x00worker"},
    },
}


# --- what to fuzz ------------------------------------------------------------------------------


def _documented_operations() -> list[str]:
    """Every operation the app documents, known at collection time so each is its own test."""
    from pathways.api import meta
    from pathways.api.spec import OPERATIONS

    for module in meta.RESOURCE_MODULES:  # what register_api imports: each registers its operations
        importlib.import_module(module)
    return [f"{op.method.upper()} {op.path}" for op in OPERATIONS]


OPERATIONS = _documented_operations()


@pytest.fixture
def api_schema(app: Any) -> Any:
    """The app's own document, fetched from the in-process WSGI app; calls go to that app only."""
    return schemathesis.openapi.from_wsgi(OPENAPI_PATH, app, config=SchemathesisConfig(seed=SEED))


@pytest.fixture
def admin(auth_header: Callable[..., dict[str, str]]) -> dict[str, str]:
    return auth_header("admin")


def _operation(schema: Any, label: str) -> Any:
    method, path = label.split(" ", 1)
    return schema[path][method]


def test_every_documented_operation_is_fuzzed(api_schema: Any) -> None:
    served = {
        f"{result.ok().method.upper()} {result.ok().path}"
        for result in api_schema.get_all_operations()
    }
    assert served == set(OPERATIONS)
    assert {op for bug in FIXED_BUGS for op in bug.operations} <= served


def _structured_body(raw: dict[str, Any]) -> bool:
    """A body schemathesis can break: a file upload (any bytes) has no invalid form."""
    content = (raw.get("requestBody") or {}).get("content", {})
    return any(media.get("schema", {}).get("format") != "binary" for media in content.values())


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("label", OPERATIONS)
def test_fuzz_operation(
    api_schema: Any,
    auth_header: Callable[..., dict[str, str]],
    database_url: str,
    label: str,
    caller: str,
) -> None:
    if caller in EXAMPLES and "postgres" in database_url:
        pytest.skip("officer and ministry guards are the same code on both databases: SQLite")
    role = CALLERS[caller]
    authenticated = role is not None
    headers = auth_header(*role) if role is not None else None
    operation = _operation(api_schema, label)
    raw = operation.definition.raw
    protected = bool(raw.get("security"))
    # Negative data needs something to break: a parameter, a body, or (without a token) the
    # Authorization header of a protected operation. `GET /healthz` with a token has none.
    negatable = bool(raw.get("parameters") or _structured_body(raw)) or (
        protected and not authenticated
    )
    modes = [GenerationMode.POSITIVE] + [GenerationMode.NEGATIVE] * negatable
    examples = (
        ANONYMOUS_PROTECTED_EXAMPLES
        if protected and not authenticated
        else EXAMPLES.get(caller, MAX_EXAMPLES)
    )
    checks = {name: _check(name) for name in CHECK_NAMES}

    for mode in modes:

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            print_blob=False,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(mode, headers=headers))
        def fuzz(case: Any) -> None:
            response = case.call()
            case.validate_response(response, checks=list(checks.values()))

        try:
            fuzz()
        except FailureGroup as exc:
            who = f"{caller} token" if authenticated else "no token"
            pytest.fail(f"{label} ({mode.value} data, {who}):\n{exc}", pytrace=False)


@pytest.mark.parametrize(
    ("bug", "label"),
    [
        pytest.param(bug, label, id=f"{bug.name}-{label}")
        for bug in FIXED_BUGS
        for label in bug.operations
    ],
)
def test_fixed_bug_stays_fixed(
    request: pytest.FixtureRequest,
    app: Any,
    api_schema: Any,
    admin: dict[str, str],
    database_url: str,
    bug: KnownBug,
    label: str,
) -> None:
    """Replay the minimal request that once answered a 500: it must pass every check now."""
    kwargs = dict(REPRODUCERS.get((bug.name, label), bug.reproducer))
    if kwargs.get("path_parameters", {}).get("vacancy_id") is EXISTING:
        created = app.test_client().post("/api/v1/vacancies", json=VACANCY, headers=admin)
        assert created.status_code == 201, created.get_json()
        kwargs["path_parameters"] = {"vacancy_id": created.get_json()["id"]}
    operation = _operation(api_schema, label)
    case = operation.Case(headers=admin if bug.authenticated else None, **kwargs)
    response = case.call()
    case.validate_response(response, checks=[_check(name) for name in bug.checks])
