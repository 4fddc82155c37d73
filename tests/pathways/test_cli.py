"""The `pathways` console script: every command of API.md, each with a helpful --help."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from pathways.cli import main
from pathways.models import Applicant, AuditEvent, Consent, ImportBatch, Vacancy

COMMANDS = [
    ["db", "upgrade"],
    ["load-reference"],
    ["seed-demo"],
    ["create-user"],
    ["issue-token"],
    ["worker"],
    ["import-vacancies"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_every_command_explains_itself(command) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    summary = result.output.split("\n\n")[1].strip()
    assert len(summary) > 20


def test_create_user_and_issue_token(runner, app) -> None:
    result = runner.invoke(
        main,
        [
            "create-user",
            "--email",
            "Ana@Example.org",
            "--role",
            "ministry",
            "--country",
            "gt",
            "--password",
            "long-enough-password",
        ],
    )
    assert result.exit_code == 0, result.output
    token = runner.invoke(main, ["issue-token", "--email", "ana@example.org"])
    assert token.exit_code == 0
    last = token.output.strip().splitlines()[-1]
    assert last.startswith("pw_")
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {last}"})
    assert me.get_json() == {
        "id": me.get_json()["id"],
        "email": "ana@example.org",
        "role": "ministry",
        "country": "GT",
    }


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["--email", "x@example.org", "--role", "ministry", "--password", "long-enough-1"],
            "--country",
        ),
        (["--email", "not-an-email", "--role", "admin", "--password", "long-enough-1"], "e-mail"),
        (["--email", "y@example.org", "--role", "admin", "--password", "short"], "10 characters"),
    ],
)
def test_create_user_rejects_bad_input(runner, app, args, message) -> None:
    result = runner.invoke(main, ["create-user", *args])
    assert result.exit_code == 1
    assert message in result.output


def test_issue_token_for_unknown_user(runner, app) -> None:
    result = runner.invoke(main, ["issue-token", "--email", "ghost@example.org"])
    assert result.exit_code == 1 and "no user" in result.output


def test_seed_demo_is_idempotent(runner, session, app) -> None:
    first = runner.invoke(main, ["seed-demo", "--applicants", "40", "--vacancies", "30"])
    assert first.exit_code == 0, first.output
    assert "40 applicants and 30 vacancies created" in first.output
    assert "admin@demo.pathways.test" in first.output
    second = runner.invoke(main, ["seed-demo", "--applicants", "40", "--vacancies", "30"])
    assert "0 applicants and 0 vacancies created" in second.output
    assert session.exec(select(func.count()).select_from(Applicant)).one() == 40
    assert session.exec(select(func.count()).select_from(Consent)).one() == 40
    programs = set(session.exec(select(Vacancy.program_code)))
    assert len(programs) == 8  # every program appears in the demo
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "demo.seed")).first()
    # Demo vacancies arrive the way ministries' files do: an import batch per country, the
    # resolver's ISCO-08 with its own confidence, hourly and USD wages from the normaliser.
    batches = session.exec(select(ImportBatch)).all()
    assert {b.country for b in batches} == {"US", "CA", "MX"}
    assert all(b.format == "csv" and b.status == "done" for b in batches)
    rows = session.exec(select(Vacancy)).all()
    assert all(v.isco08 and v.source == "csv" for v in rows)
    assert len({v.isco08_confidence for v in rows}) > 3
    mx = [v for v in rows if v.wage_currency == "MXN"]
    assert mx and all(v.wage_per == "day" and v.wage_hourly_usd_minor for v in mx)


def test_match_now_runs_a_round_and_publishes_its_offers(runner, session, app) -> None:
    """What `make run` does after seeding: one round, its matches offered to people."""
    from pathways.models import Placement

    assert (
        runner.invoke(main, ["seed-demo", "--applicants", "150", "--vacancies", "40"]).exit_code
        == 0
    )
    result = runner.invoke(main, ["match", "--now", "--publish", "--unless-done"])
    assert result.exit_code == 0, result.output
    published = int(result.output.split(" proposed placements published")[0].split()[-1])
    assert published > 0 and "matched" in result.output
    session.expire_all()
    # (the demo's illustrative history has placements of its own, made by no run)
    offers = session.exec(select(Placement).where(Placement.run_id.is_not(None))).all()  # type: ignore[union-attr]
    assert len(offers) == published
    again = runner.invoke(main, ["match", "--now", "--publish", "--unless-done"])
    assert again.exit_code == 0 and "already finished" in again.output
    bad = runner.invoke(main, ["match", "--publish"])
    assert bad.exit_code == 2 and "--now" in bad.output


def test_cli_stops_on_bad_settings(monkeypatch) -> None:
    from click.testing import CliRunner

    monkeypatch.setenv("PATHWAYS_ENV", "test")
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", "postgresql+psycopg://u:pw@127.0.0.1:1/x")
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("pathways: PATHWAYS_DATABASE_URL: cannot connect")
