"""Learning scores from what happened: placements that ended (completed or withdrawn) with the
components of the match that proposed them.

When enough outcomes are recorded (:class:`matching.scoring.OutcomeModel`: 200, with 30 of
each kind), a calibrated model of completion replaces the documented weights for the next
matching round, and the run reports how well calibrated it is; until then the weights score.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from matching.scoring import COMPONENTS, OutcomeModel, component_matrix
from pathways.models import Match, Placement

#: The most recent outcomes a model is fitted on (older seasons weigh on it no more).
RECENT = 50_000


def outcomes(session: Session) -> tuple[list[dict[str, float]], list[int]]:
    """Each ended placement proposed by a matching run: its match's components, and 1 when it
    was completed, 0 when withdrawn."""
    rows = session.exec(
        select(Match.explanation, Placement.status)
        .join(Placement, Placement.id == Match.placement_id)  # type: ignore[arg-type]
        .where(Placement.status.in_(("completed", "withdrawn")))  # type: ignore[attr-defined]
        .order_by(Placement.status_at.desc())  # type: ignore[attr-defined]
        .limit(RECENT)
    ).all()
    features: list[dict[str, float]] = []
    labels: list[int] = []
    for explanation, status in rows:
        parts = {c["name"]: c["value"] for c in (explanation or {}).get("components", [])}
        if all(name in parts for name in COMPONENTS):
            features.append(parts)
            labels.append(1 if status == "completed" else 0)
    return features, labels


def fitted_model(session: Session) -> tuple[OutcomeModel | None, dict[str, Any]]:
    """The model to score the next round with (None: the weights), and what to report."""
    features, labels = outcomes(session)
    model = OutcomeModel()
    report: dict[str, Any] = {
        "outcomes": len(labels),
        "completed": sum(labels),
        "needed": model.min_outcomes,
        "needed_each": model.min_per_class,
    }
    calibration = model.fit(component_matrix(features), labels) if labels else None
    if calibration is None:
        return None, {"method": "weights", **report}
    return model, {
        "method": "outcomes",
        **report,
        "brier": round(calibration.brier, 4),
        "baseline_brier": round(calibration.baseline_brier, 4),
        "bins": [
            {"predicted": round(p, 3), "observed": round(o, 3), "count": n}
            for p, o, n in calibration.bins
        ],
    }
