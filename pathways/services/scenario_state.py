"""The state a what-if is computed on: a fingerprint of it, and the baseline placement a
scenario stores so that a later one on the same state starts from it.

The fingerprint covers what a round reads (applicants, vacancies, placements and their events,
rule versions and reference data: counts, last ids, last changes) and the date; every service
that changes those moves one of them. Two scenarios with the same fingerprint were computed on
the same data and compare like with like.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from datetime import date
from typing import Any

import numpy as np
from sqlmodel import Session, func, select

from pathways.models import (
    Applicant,
    Placement,
    PlacementEvent,
    ProgramRule,
    ReferenceVersion,
    Scenario,
    Vacancy,
)
from pathways.services.matching_runs import RoundInputs


def fingerprint(session: Session, as_of: date) -> str:
    """A digest of what a round reads on ``as_of`` (see the module docstring)."""
    parts = [as_of.isoformat()]
    for model, stamp in (
        (Applicant, Applicant.updated_at),
        (Vacancy, Vacancy.updated_at),
        (Placement, Placement.status_at),
        (PlacementEvent, PlacementEvent.recorded_at),
        (ProgramRule, ProgramRule.loaded_at),
    ):
        count, last_id, last_change = session.exec(
            select(func.count(), func.max(model.id), func.max(stamp))  # type: ignore[attr-defined]
        ).one()
        parts.append(f"{model.__name__}:{count}:{last_id}:{last_change}")
    for key, version, digest in session.exec(
        select(ReferenceVersion.key, ReferenceVersion.version, ReferenceVersion.digest).order_by(
            ReferenceVersion.key
        )
    ):
        parts.append(f"{key}:{version}:{digest}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_baseline(session: Session, fingerprint: str, own_id: int | None) -> Scenario | None:
    """The latest finished scenario computed on the same state that stored its baseline."""
    return session.exec(
        select(Scenario)
        .where(
            Scenario.state_fingerprint == fingerprint,
            Scenario.status == "done",
            Scenario.baseline_placement.is_not(None),  # type: ignore[union-attr]
            Scenario.id != own_id,
        )
        .order_by(Scenario.id.desc())  # type: ignore[union-attr]
    ).first()


def pack(placement: np.ndarray, inputs: RoundInputs) -> bytes:
    people = np.array([p.id for p in inputs.people], dtype=np.int64)
    rows = np.array([v.id or 0 for v in inputs.vacancy_rows], dtype=np.int64)
    placed = np.flatnonzero(placement >= 0)
    pairs = np.stack([people[placed], rows[placement[placed]]], axis=1).astype(np.int64)
    return zlib.compress(pairs.tobytes())


def unpack(blob: bytes, inputs: RoundInputs) -> np.ndarray | None:
    """The stored placement as vacancy indices of ``inputs`` (None if it does not fit)."""
    pairs = np.frombuffer(zlib.decompress(blob), dtype=np.int64).reshape(-1, 2)
    person = {p.id: k for k, p in enumerate(inputs.people)}
    vacancy = {v.id: j for j, v in enumerate(inputs.vacancy_rows)}
    out = np.full(len(inputs.people), -1, dtype=np.int64)
    for applicant_id, vacancy_id in pairs.tolist():
        if applicant_id not in person or vacancy_id not in vacancy:
            return None
        out[person[applicant_id]] = vacancy[vacancy_id]
    return out


def fits(placement: np.ndarray, candidates: Any, inputs: RoundInputs) -> bool:
    """Whether a stored placement is one these candidates allow (same edges, slots, caps):
    the fingerprint says the state is the same; this makes sure before starting from it."""
    csr = candidates.scores
    placed = np.flatnonzero(placement >= 0)
    for a in placed.tolist():
        if placement[a] not in csr.indices[csr.indptr[a] : csr.indptr[a + 1]]:
            return False
    taken = np.bincount(placement[placed], minlength=len(inputs.vacancies))
    if (taken > np.array([v.slots for v in inputs.vacancies], dtype=np.int64)).any():
        return False
    per_program = Counter(inputs.vacancy_rows[j].program_code for j in placement[placed].tolist())
    return all(per_program.get(code, 0) <= left for code, left in inputs.program_caps.items())
