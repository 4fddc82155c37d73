"""Importing vacancy files as all-or-nothing batches, with a per-row report and progress.

Small files are imported inside the request; large uploads from the web page are queued for
`pathways worker`, and the page follows the batch's progress.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from matching.occupations import OccupationResolver
from pathways import jobs
from pathways.db import utcnow
from pathways.imports import ImportFormatError, ParsedFile, iter_parse
from pathways.models import ImportBatch, Job, User, Vacancy
from pathways.services import occupations, vacancies
from pathways.services.audit import Actor, record

CHUNK = 500
Progress = Callable[[int, int], None]
# What an importer that died leaves on its batch (the page words it for the reader).
INTERRUPTED = "interrupted: the service stopped during the import and nothing was saved"


def parse(fmt: str, data: bytes) -> ParsedFile:
    """Parse a whole file; ImportFormatError (one clear message) when it is not `fmt`."""
    return iter_parse(fmt, data).collect()


def new_batch(
    session: Session,
    *,
    fmt: str,
    filename: str | None,
    user: User | None,
    content: bytes | None = None,
) -> ImportBatch:
    batch = ImportBatch(
        format=fmt,
        filename=(filename or "")[:255] or None,
        status="queued",
        uploaded_by_id=user.id if user else None,
        country=user.country if user is not None and user.role == "ministry" else None,
        content=content,
    )
    session.add(batch)
    session.commit()
    return batch


def run_import(
    session: Session,
    batch: ImportBatch,
    data: bytes,
    *,
    actor: Actor,
    user: User | None,
    resolver: OccupationResolver,
    data_dir: Path,
    progress: Progress | None = None,
) -> ImportBatch:
    """Import `data` into `batch`. Vacancies and the batch's final counts commit together, so a
    crash leaves no half-imported batch (the batch is then marked failed, with the reason)."""
    batch.status, batch.claimed_by, batch.error = "running", jobs.worker_name(), None
    session.add(batch)
    session.commit()
    batch_id = batch.id
    try:
        parsed = parse(batch.format, data)
        counts = _apply(
            session,
            batch,
            parsed,
            user=user,
            resolver=resolver,
            data_dir=data_dir,
            progress=progress,
        )
        occupations.learn_from_certified_vacancies(session, batch=batch)
        batch.received = len(parsed.rows)
        batch.created, batch.updated, batch.unchanged = (
            counts["created"],
            counts["updated"],
            counts["unchanged"],
        )
        batch.rejected = counts["rejected"]
        batch.history = counts["history"]
        batch.unknown_columns = parsed.unknown_columns
        batch.processed = batch.received
        batch.status, batch.finished_at, batch.content = "done", utcnow(), None
        session.add(batch)
        record(
            session,
            actor,
            "vacancy.import",
            "import_batch",
            batch.id,
            format=batch.format,
            received=batch.received,
            created=batch.created,
            updated=batch.updated,
            unchanged=batch.unchanged,
            history=batch.history,
            rejected=len(batch.rejected),
        )
        session.commit()
        return batch
    except Exception as exc:
        session.rollback()
        failed = session.get(ImportBatch, batch_id)
        assert failed is not None
        failed.status, failed.finished_at = "failed", utcnow()
        failed.error = (
            str(exc)[:2000]
            if isinstance(exc, ImportFormatError)
            else (f"the import stopped and nothing was saved: {type(exc).__name__}: {exc}"[:2000])
        )
        failed.created = failed.updated = failed.unchanged = failed.history = 0
        session.add(failed)
        session.commit()
        raise


def _apply(
    session: Session,
    batch: ImportBatch,
    parsed: ParsedFile,
    *,
    user: User | None,
    resolver: OccupationResolver,
    data_dir: Path,
    progress: Progress | None,
) -> dict[str, Any]:
    """Normalise every row first (slow, no write lock held, progress reported), then write all
    rows in one short transaction. SQLite allows one writer at a time: holding its lock for the
    whole import would block the progress updates the upload page follows."""
    counts: dict[str, Any] = {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "history": 0,
        "rejected": [],
    }
    today = date.today()
    ready: list[tuple[str, dict[str, Any]]] = []
    total = len(parsed.rows)
    for start in range(0, total, CHUNK):
        for row in parsed.rows[start : start + CHUNK]:
            if row.vacancy is None:
                counts["rejected"].append(
                    {
                        "row": row.row,
                        "errors": [e.to_dict() for e in row.errors],
                    }
                )
                continue
            try:
                vacancies.check_scope(user, row.vacancy.worksite_country)
            except vacancies.VacancyError as exc:
                counts["rejected"].append({"row": row.row, "errors": [exc.to_dict()]})
                continue
            values = vacancies.normalize(row.vacancy, resolver=resolver, data_dir=data_dir)
            if values["status"] == "open" and vacancies.has_ended(values, today):
                # A record of work that is over (a past disclosure row): history, not demand.
                values["status"] = "closed"
                counts["history"] += 1
            ready.append((row.vacancy.external_ref, values))
        if progress is not None:
            progress(min(start + CHUNK, total), total)
    for start in range(0, len(ready), CHUNK):
        chunk = ready[start : start + CHUNK]
        refs = [ref for ref, _ in chunk]
        existing = {
            v.external_ref: v
            for v in session.exec(select(Vacancy).where(Vacancy.external_ref.in_(refs)))
        }  # type: ignore[union-attr]
        for ref, values in chunk:
            outcome, _ = vacancies.upsert(
                session,
                values,
                existing.get(ref),
                user_id=user.id if user else None,
                batch_id=batch.id,
            )
            counts[outcome] += 1
        session.flush()
    return counts


def report(batch: ImportBatch) -> dict[str, Any]:
    """The API.md import response."""
    return {
        "received": batch.received,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        # The API gives each error's field and English message; what translates it stays
        # with the batch for the upload pages.
        "rejected": [
            {
                "row": item["row"],
                "errors": [{"field": e["field"], "message": e["message"]} for e in item["errors"]],
            }
            for item in batch.rejected
        ],
        "history": batch.history,
        "unknown_columns": batch.unknown_columns,
        "batch_id": batch.id,
    }


def queue_import(session: Session, batch: ImportBatch) -> Job:
    job = jobs.enqueue(session, "vacancy_import", {"batch_id": batch.id})
    session.commit()
    return job


def run_queued_import(
    session: Session, job: Job, progress: Progress, settings: Any
) -> dict[str, Any] | None:
    from pathways.services import occupations

    batch = session.get(ImportBatch, job.payload["batch_id"])
    if batch is None or batch.content is None:
        raise LookupError(f"import batch {job.payload.get('batch_id')} has no file to import")
    user = session.get(User, batch.uploaded_by_id) if batch.uploaded_by_id else None
    actor = Actor(
        user_id=user.id if user else None,
        label="worker",
        role=user.role if user else None,
        country=user.country if user else None,
    )
    resolver = occupations.get_resolver(session)
    batch_id = batch.id

    def report_progress(done: int, total: int) -> None:
        progress(done, total)
        # Progress is written in its own short transaction, so the page can follow it.
        from sqlalchemy import update

        with Session(session.get_bind()) as side:
            side.exec(
                update(ImportBatch)
                .where(ImportBatch.id == batch_id)  # type: ignore[call-overload]
                .values(processed=done, received=total)
            )
            side.commit()

    run_import(
        session,
        batch,
        bytes(batch.content),
        actor=actor,
        user=user,
        resolver=resolver,
        data_dir=settings.data_dir,
        progress=report_progress,
    )
    return None


def fail_interrupted(session: Session, batch: ImportBatch | None = None) -> int:
    """Mark failed the batches imported inside a request whose process died (kill -9 of a web
    worker or of gunicorn, or its timeout): their rows were one uncommitted transaction, so
    nothing of them is stored, and without this they would show "importing" for ever.
    Queued batches are their job's (see on_job_lost). `batch`: look at that one only."""
    cutoff = utcnow() - jobs.STALE_AFTER
    if batch is not None:
        candidates = [batch] if batch.content is None else []
    else:
        candidates = list(
            session.exec(
                select(ImportBatch).where(
                    ImportBatch.status.in_(("queued", "running")),  # type: ignore[attr-defined]
                    ImportBatch.content.is_(None),  # type: ignore[union-attr]
                )
            )
        )
    failed = 0
    for each in candidates:
        if each.status in ("queued", "running") and (
            jobs.holder_gone(each.claimed_by) or each.created_at < cutoff
        ):
            each.status, each.finished_at, each.error = "failed", utcnow(), INTERRUPTED
            each.created = each.updated = each.unchanged = each.history = 0
            session.add(each)
            failed += 1
    return failed


def on_job_lost(session: Session, job: Job, retry: bool) -> None:
    """A queued import whose worker died: waiting again, or failed with nothing saved."""
    batch = session.get(ImportBatch, job.payload.get("batch_id"))
    if batch is None or batch.status not in ("queued", "running"):
        return
    if retry:
        batch.status, batch.processed = "queued", 0
    else:
        batch.status, batch.finished_at, batch.error = "failed", utcnow(), INTERRUPTED
    session.add(batch)
