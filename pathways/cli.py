"""The `pathways` console script."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import Engine

from pathways.models.enums import PROGRAM_CODES
from pathways.settings import ConfigError, Settings, load_settings


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"pathways: {message}", err=True)
    sys.exit(code)


def _context(check_schema: bool = True) -> tuple[Settings, Engine]:
    """Settings and engine, or one clear line and exit 2 when something is misconfigured."""
    from pathways import db, migrate

    try:
        settings = load_settings()
        engine = db.make_engine(settings.database_url)
        try:
            db.ping(engine)
        except Exception as exc:  # noqa: BLE001
            raise ConfigError(
                f"PATHWAYS_DATABASE_URL: cannot connect to {settings.safe_database_url}: "
                f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
            ) from None
        if check_schema and migrate.current_revision(engine) != migrate.head_revision():
            raise ConfigError(
                f"PATHWAYS_DATABASE_URL: the schema of {settings.safe_database_url} is not "
                "current: run `pathways db upgrade`"
            )
    except ConfigError as exc:
        _fail(str(exc))
    return settings, engine


def _session(engine: Engine) -> Any:
    from sqlmodel import Session

    return Session(engine, expire_on_commit=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Pathways: legal labor pathways for El Salvador, Guatemala and Honduras.

    Settings come from PATHWAYS_* environment variables (see the README).
    """


@main.group()
def db() -> None:
    """Create or migrate the database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to the latest version (idempotent; all-or-nothing)."""
    from pathways import migrate

    settings, engine = _context(check_schema=False)
    try:
        before, after = migrate.upgrade(engine)
    except Exception as exc:  # noqa: BLE001
        _fail(f"migration failed, the previous schema is intact: {exc}", code=1)
        return
    if before == after:
        click.echo(f"database {settings.safe_database_url} is current ({after})")
    else:
        click.echo(f"database {settings.safe_database_url} migrated {before or 'empty'} → {after}")


@db.command("current")
def db_current() -> None:
    """Print the schema revision of the database and the latest known one."""
    from pathways import migrate

    _, engine = _context(check_schema=False)
    click.echo(f"current: {migrate.current_revision(engine) or 'empty'}")
    click.echo(f"latest:  {migrate.head_revision()}")


@main.command("load-reference")
@click.option(
    "--from",
    "official_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also load fuller official files (O*NET, ESCO, ISCO, SOC, NOC, crosswalks) found "
    "anywhere under this directory, recognised by their columns.",
)
def load_reference(official_dir: Path | None) -> None:
    """Load programs, rules, caps, occupations and crosswalks from data/ (idempotent)."""
    from pathways.services import reference

    settings, engine = _context()
    with _session(engine) as session:
        try:
            report = reference.load_reference(
                session, data_dir=settings.data_dir, official_dir=official_dir
            )
        except reference.ReferenceError as exc:
            _fail(str(exc), code=1)
            return
    for line in report.lines():
        click.echo(line)


@main.command("learn-titles")
def learn_titles() -> None:
    """Learn job titles from the stored certified vacancies (OFLC, SeasonalJobs, LMIA, a
    ministry's own files): each title and its official code become weighted evidence for the
    occupation resolver. Imports do this after every batch; re-running changes nothing."""
    from pathways.services import occupations
    from pathways.services.audit import Actor

    _, engine = _context()
    with _session(engine) as session:
        report = occupations.learn_from_certified_vacancies(
            session, actor=Actor.system("learn-titles")
        )
        session.commit()
    click.echo(report.line())


@main.command("seed-demo")
@click.option("--applicants", default=300, show_default=True, type=click.IntRange(0, 2_000_000))
@click.option("--vacancies", default=200, show_default=True, type=click.IntRange(0, 200_000))
@click.option("--seed", default=2027, show_default=True, type=int)
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Also an illustrative placement history of the past 12 months (demo only).",
)
def seed_demo(applicants: int, vacancies: int, seed: int, history: bool) -> None:
    """Create realistic synthetic demo data and demo logins (re-running adds nothing new)."""
    from pathways.services import demo

    settings, engine = _context()
    with _session(engine) as session:
        from pathways.services import occupations

        try:
            result = demo.seed_demo(
                session,
                applicants=applicants,
                vacancies=vacancies,
                seed=seed,
                data_dir=settings.data_dir,
                resolver=occupations.get_resolver(session),
                history=history,
            )
        except demo.DemoError as exc:
            _fail(str(exc), code=1)
            return
    click.echo(
        f"demo data: {result.applicants_created} applicants and {result.vacancies_created} "
        f"vacancies created ({result.applicants_total} and {result.vacancies_total} in all)"
    )
    if result.placements_created:
        click.echo(
            f"demo history: {result.placements_created} placements over the past 12 months "
            "(illustrative; the progress pages count them)"
        )
    click.echo(f"demo logins (password for all: {demo.DEMO_PASSWORD}):")
    for email, role, country in result.logins:
        click.echo(f"  {role:<10} {country or '':<3} {email}")


@main.command("create-user")
@click.option("--email", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["applicant", "ministry", "officer", "admin"])
)
@click.option("--country", help="Required for ministry: US/CA/MX (destination) or GT/SV/HN.")
@click.option("--password", help="At least 10 characters; prompted for when omitted.")
def create_user(email: str, role: str, country: str | None, password: str | None) -> None:
    """Create a user with a role (a ministry is scoped to its --country)."""
    from pathways.services import accounts
    from pathways.services.audit import Actor

    _, engine = _context()
    if password is None and sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _session(engine) as session:
        try:
            user = accounts.create_user(
                session,
                email=email,
                role=role,
                country=country,
                password=password,
                actor=Actor.system("cli"),
            )
        except accounts.AccountError as exc:
            _fail(str(exc), code=1)
            return
    click.echo(f"created {user.role} {user.email} (id {user.id})")


@main.command("issue-token")
@click.option("--email", required=True)
@click.option("--name", default="cli", help="What the token is for.")
def issue_token(email: str, name: str) -> None:
    """Print a new API token for a user as the last line of stdout (shown only once)."""
    from pathways.services import accounts
    from pathways.services.audit import Actor

    settings, engine = _context()
    with _session(engine) as session:
        user = accounts.find_user(session, email)
        if user is None:
            _fail(f"no user with e-mail {email}", code=1)
            return
        issued = accounts.issue_token(
            session, user, actor=Actor.system("cli"), name=name, days=settings.token_days
        )
    click.echo(
        f"token for {user.email} ({user.role}), valid until "
        f"{issued.record.expires_at:%Y-%m-%d}; store it now, it is not kept:"
    )
    click.echo(issued.token)


@main.command("import-vacancies")
@click.argument(
    "fmt",
    metavar="FORMAT",
    type=click.Choice(["oflc-h2a", "oflc-h2b", "seasonaljobs", "lmia", "jsonld", "csv"]),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the full per-row report (JSON) to this file.",
)
def import_vacancies(fmt: str, file: Path, report_path: Path | None) -> None:
    """Import a file of vacancies (re-importing creates nothing new; all or nothing)."""
    import json

    from pathways.imports import ImportFormatError
    from pathways.services import imports, occupations
    from pathways.services.audit import Actor

    settings, engine = _context()
    data = file.read_bytes()
    with _session(engine) as session:
        batch = imports.new_batch(session, fmt=fmt, filename=file.name, user=None)
        resolver = occupations.get_resolver(session)
        with click.progressbar(length=1, label=f"importing {file.name}", file=sys.stderr) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            try:
                batch = imports.run_import(
                    session,
                    batch,
                    data,
                    actor=Actor.system("cli"),
                    user=None,
                    resolver=resolver,
                    data_dir=settings.data_dir,
                    progress=progress,
                )
            except ImportFormatError as exc:
                _fail(str(exc), code=1)
                return
        result = imports.report(batch)
    click.echo(
        f"received {result['received']}: created {result['created']}, updated "
        f"{result['updated']}, unchanged {result['unchanged']}, "
        f"rejected {len(result['rejected'])}"
    )
    if result["history"]:
        click.echo(
            f"{result['history']} rows describe work that had already ended: stored as closed "
            "records (history), not counted as open positions"
        )
    if result["unknown_columns"]:
        click.echo("unknown columns (ignored): " + ", ".join(result["unknown_columns"]))
    for item in result["rejected"][:10]:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in item["errors"])
        click.echo(f"  row {item['row']}: {problems}")
    if len(result["rejected"]) > 10:
        click.echo(f"  … and {len(result['rejected']) - 10} more rejected rows")
    if report_path is not None:
        report_path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        click.echo(f"full report written to {report_path}")


@main.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export(file: Path) -> None:
    """Write every table to FILE (gzip JSON lines), from one consistent snapshot.

    The dump loads with `pathways import-dump` into SQLite or PostgreSQL alike.
    """
    from pathways.services import backup

    _, engine = _context()
    partial = file.with_name(file.name + ".partial")  # a dump cut short never looks complete
    try:
        summary = backup.export_to(
            partial, engine, progress=lambda t, n: click.echo(f"  {t}: {n}", err=True)
        )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(file)
    click.echo(f"exported {summary.total} rows of {len(summary.rows)} tables to {file}")


@main.command("import-dump")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Delete what the database holds first (in the same transaction as the load).",
)
def import_dump(file: Path, replace: bool) -> None:
    """Load a dump made by `pathways export` into this database, all or nothing.

    The database must be migrated to the dump's schema revision and empty (or --replace).
    """
    from pathways.services import backup

    _, engine = _context(check_schema=False)
    try:
        summary = backup.import_from(
            file,
            engine,
            replace=replace,
            progress=lambda t, n: click.echo(f"  {t}: {n}", err=True),
        )
    except backup.DumpError as exc:
        _fail(f"{file}: {exc}; nothing was loaded", code=1)
        return
    click.echo(f"loaded {summary.total} rows of {len(summary.rows)} tables from {file}")


@main.command("match")
@click.option(
    "--program",
    "program_codes",
    multiple=True,
    type=click.Choice(PROGRAM_CODES),
    help="A program to match (repeat it; default: every program).",
)
@click.option(
    "--objective", type=click.Choice(["max_pathways", "max_score"]), default="max_pathways"
)
@click.option("--now", is_flag=True, help="Run it in this process and wait (no worker needed).")
@click.option(
    "--publish",
    is_flag=True,
    help="With --now: turn its matches into proposed placements (the offers people see).",
)
@click.option(
    "--unless-done",
    is_flag=True,
    help="Do nothing when a run has already finished (for scripts run at every start).",
)
def match(
    program_codes: tuple[str, ...], objective: str, now: bool, publish: bool, unless_done: bool
) -> None:
    """Queue a matching run (a worker runs it); prints its id as the last line."""
    from sqlmodel import select

    from pathways.jobs import run_worker
    from pathways.models import MatchingRun, User
    from pathways.services import matching_runs
    from pathways.services.audit import Actor
    from pathways.services.job_handlers import HANDLERS, ON_LOST

    if publish and not now:
        _fail("--publish needs --now (a queued run is published by an officer when done)", 2)
        return
    settings, engine = _context()
    with _session(engine) as session:
        if (
            unless_done
            and session.exec(select(MatchingRun.id).where(MatchingRun.status == "done")).first()
        ):
            click.echo("a matching run has already finished: nothing to do")
            return
        officer = session.exec(
            select(User).where(User.role.in_(["admin", "officer"]), User.active)  # type: ignore[attr-defined]
        ).first()
        if officer is None:
            _fail("no officer or admin user exists: create one with `pathways create-user`", 1)
            return
        actor = Actor.system("cli")
        run = matching_runs.start_run(
            session,
            program_codes=list(program_codes),
            objective=objective,
            options={},
            user=officer,
            actor=actor,
        )
        run_id = run.id
        if not now:
            click.echo("matching run queued; `pathways worker` runs it")
            click.echo(str(run_id))
            return
    click.echo(f"matching run {run_id}: running…")
    run_worker(engine, HANDLERS, once=True, poll_seconds=0, settings=settings, on_lost=ON_LOST)
    with _session(engine) as session:
        done = session.get(MatchingRun, run_id)
        assert done is not None
        if done.status != "done":
            _fail(f"matching run {run_id} {done.status}: {done.error}", 1)
            return
        stats = done.stats or {}
        click.echo(
            f"matched {stats.get('matched', 0)} of {stats.get('slots', 0)} slots "
            f"(upper bound {stats.get('upper_bound', 0)}) in {stats.get('seconds', 0)} s"
        )
        if publish:
            officer = session.get(User, done.requested_by_id)
            assert officer is not None
            made = matching_runs.publish(session, done, user=officer, actor=actor)
            click.echo(f"{made} proposed placements published")
        click.echo(str(run_id))


@main.group()
def progress() -> None:
    """New pathways counted toward the target (PATHWAYS_TARGET*)."""


@progress.command("rebuild")
def progress_rebuild() -> None:
    """Recompute the counted milestones from every placement's history (idempotent).

    Transitions note milestones as they happen; run this after loading placement history in
    bulk, or to check the figures: it gives the same answer.
    """
    import time

    from pathways.services import progress as progress_service
    from pathways.services.audit import Actor

    settings, engine = _context()
    clock = time.perf_counter()
    with _session(engine) as session:
        made = progress_service.rebuild(session, actor=Actor.system("cli"))
        rule = progress_service.CountingRule.from_settings(settings)
        counts = progress_service.count_new_pathways(session, rule, progress_service.today())
    click.echo(
        f"{made} milestones rebuilt in {time.perf_counter() - clock:.1f} s; "
        f"{counts.counted} new pathways counted in {rule.start}..{rule.end} "
        f"({', '.join(rule.origins)})"
    )


@main.command("worker")
@click.option("--once", is_flag=True, help="Process the queued jobs, then exit.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between queue polls.")
def worker(once: bool, poll: float) -> None:
    """Run queued background jobs (matching runs, large uploads). Run as many as you like."""
    from pathways.app import configure_logging
    from pathways.jobs import run_worker
    from pathways.services.job_handlers import HANDLERS, ON_LOST, recover_interrupted

    settings, engine = _context()
    configure_logging(settings)
    recover_interrupted(engine)
    count = run_worker(
        engine, HANDLERS, once=once, poll_seconds=poll, settings=settings, on_lost=ON_LOST
    )
    click.echo(f"worker processed {count} job(s)")
