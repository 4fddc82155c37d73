"""The small world the authorization matrix walks: one user per role and country, and one of
each thing a URL can name, with a unique marker planted in the personal data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from pathways.models import Applicant, DuplicateFlag, ImportBatch, User
from pathways.services import accounts, placements
from pathways.services.audit import Actor
from tests.conftest import PASSWORD, csrf_token
from tests.pathways.conftest import queue_matching_run
from tests.pathways.placement_rows import vacancy

#: Planted in the person's name, phone and document: it must reach only those entitled to it.
MARKER = "Zqx7Marker"
#: Who calls: a label → (role, country).
CALLERS: dict[str, tuple[str | None, str | None]] = {
    "anonymous": (None, None),
    "applicant": ("applicant", None),
    "ministry-US": ("ministry", "US"),
    "ministry-CA": ("ministry", "CA"),
    "ministry-MX": ("ministry", "MX"),
    "ministry-GT": ("ministry", "GT"),
    "ministry-SV": ("ministry", "SV"),
    "ministry-HN": ("ministry", "HN"),
    "officer": ("officer", None),
    "admin": ("admin", None),
}
TOKEN_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)


def build(session: Session, make_user: Any) -> World:
    world = World()
    for label, (role, country) in CALLERS.items():
        if role is not None:
            world.users[label] = make_user(role, country)
    person = Applicant(
        name=f"Rosa {MARKER} Ajú",
        phone=f"+502 5555 {MARKER}",
        id_document=f"DPI-{MARKER}",
        nationality="GT",
        birth_date=date(1994, 5, 2),
        sex="F",
        residence_country="GT",
        residence_subdivision="GT-QZ",
        languages=["es", "quc"],
        experience=[{"title": "cortador de café", "months": 24, "isco08": "9211"}],
        user_id=world.users["applicant"].id,
    )
    twin = Applicant(
        name=f"Rosa {MARKER} Aju",
        nationality="GT",
        birth_date=date(1994, 5, 2),
        sex="F",
        residence_country="GT",
    )
    session.add_all([person, twin])
    session.commit()
    flag = DuplicateFlag(
        applicant_id=twin.id, other_id=person.id, score=0.97, evidence=["same_document"]
    )
    batch = ImportBatch(format="csv", country="US", status="done")
    session.add_all([flag, batch])
    session.commit()
    job = vacancy(session, positions=3, start_date=date.today() + timedelta(days=90))
    officer = world.users["officer"]
    placement = placements.create(session, person.id, job, user=officer, actor=Actor.system("t"))
    run = queue_matching_run(session, officer, "t")
    issued = accounts.issue_token(session, officer, actor=Actor.system("t"))
    world.ids = {
        "applicant_id": person.id,
        "vacancy_id": job,
        "placement_id": placement.id,
        "run_id": run.id,
        "flag_id": flag.id,
        "batch_id": batch.id,
        "token_id": issued.record.id,
        "code": "US-H2A",
        "answer": "aceptar",
        "filename": "css/site.css",
    }
    return world


def client_for(app: Any, world: World, label: str) -> tuple[Any, str]:
    """A test client signed in through the login form as ``label``, and its CSRF token."""
    client = app.test_client()
    user = world.users.get(label)
    if user is not None:
        token = csrf_token(client, "/login")
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302, label
    page = client.get("/login" if user is None else "/").get_data(as_text=True)
    found = TOKEN_RE.search(page)
    assert found, f"no CSRF token for {label}"
    return client, found.group(1)


MISSING_ID = 999_999
#: Writes that end the caller's session or erase their data: walked last.
LAST = ("applicant.consent", "applicant.erase")
SKIPPED = ("auth.logout", "static")


def bearer_for(session: Session, world: World, label: str) -> dict[str, str]:
    user = world.users.get(label)
    if user is None:
        return {}
    issued = accounts.issue_token(session, user, actor=Actor.system("t"))
    return {"Authorization": f"Bearer {issued.token}"}


def _path(rule: str, values: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return str(values.get(name, MISSING_ID))

    return re.sub(r"<([^>]+)>", fill, rule).replace("any(aceptar, rechazar):answer", "aceptar")


def walk(
    app: Any, session: Session, world: World, seen: dict[str, set[str]] | None = None
) -> dict[tuple[str, str], dict[str, Any]]:
    """Every route of the URL map × every caller → the status (``"login"`` for a redirect to
    the login page). Reads name real things; writes name things that do not exist (so they
    change nothing) except where the route has no parameter. ``seen`` collects, per caller,
    the routes whose answer carried the planted :data:`MARKER`."""
    pages = {label: client_for(app, world, label) for label in CALLERS}
    tokens = {label: bearer_for(session, world, label) for label in CALLERS}
    routes = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        if rule.endpoint not in SKIPPED
    ]
    routes.sort(key=lambda rm: (rm[1] != "GET", rm[0].endpoint in LAST, rm[0].rule, rm[1]))
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for rule, method in routes:
        values = world.ids if method == "GET" else {k: MISSING_ID for k in world.ids}
        values = {**values, "code": "US-H2A", "answer": "aceptar"}
        path = _path(rule.rule, values)
        cells: dict[str, Any] = {}
        for label in CALLERS:
            if path.startswith("/api/"):
                client = pages["anonymous"][0]
                response = client.open(path, method=method, json={}, headers=tokens[label])
            else:
                client, csrf = pages[label]
                data = None if method == "GET" else {"csrf_token": csrf}
                response = client.open(path, method=method, data=data)
            if seen is not None and MARKER in response.get_data(as_text=True):
                seen.setdefault(label, set()).add(f"{method} {rule.endpoint}")
            code: Any = response.status_code
            if code == 302 and "/login" in response.headers.get("Location", ""):
                code = "login"
            cells[label] = code
        out[(method, rule.endpoint)] = cells
    return out
