"""How well an applicant fits a vacancy: a score in [0, 1] from named, explainable parts.

Each part (a *component*) is a number in [0, 1] computed from what the applicant and the
vacancy say; the score is their weighted sum with :data:`DEFAULT_WEIGHTS` (documented, summing
to 1), times :data:`REVIEW_FACTOR` when a person must still check a program rule for the
pair. Every component goes into the match explanation, worded in the applicant's language
(:func:`explain`).

The components
--------------
``occupation``
    How close the applicant's work is to the vacancy's ISCO-08 unit group: 1.0 the same unit
    group, 0.8 the same minor group, 0.6 the same field of work (the project's occupation
    families, e.g. crop work: 6111 and 9211), 0.5 the same sub-major group, 0.4 a neighbouring
    farm field (crop, livestock, mixed farming, nurseries). The best of the applicant's jobs.
``experience``
    Months in that best-fitting job against the months the vacancy asks: ``min(1, m / asked)``;
    when it asks none, ``min(1, m / 24)`` (two years count as fully experienced).
``availability``
    Share of the season the applicant is available for (at least
    :data:`MIN_SEASON_SHARE` to be a candidate at all).
``language``
    1.0 when the applicant speaks the worksite's language (English, French in Quebec, Spanish
    in Mexico), else 0.0. Languages a vacancy *requires* are a hard requirement instead.
``preference``
    The mean of: destination (1.0 a country the applicant chose, 0.5 when they chose none),
    program (1.0 chosen, 0.5 no choice, 0.0 another program) and wage (1.0 at or above the
    applicant's minimum, else the ratio).
``returning``
    1.0 for someone who worked in the same program before (employers rehire, and returning
    workers complete more seasons), 0.5 for another program, else 0.0.
``named``
    1.0 when the employer named this applicant for the vacancy (a named worker), else 0.0.

A fitted model can replace the weights once enough outcomes are recorded:
:class:`OutcomeModel` (calibrated logistic regression of completed vs withdrawn placements on
the same components).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "MIN_SEASON_SHARE",
    "REVIEW_FACTOR",
    "Calibration",
    "OutcomeModel",
    "explain",
    "occupation_fit",
    "weighted_score",
]

COMPONENTS: tuple[str, ...] = (
    "occupation",
    "experience",
    "availability",
    "language",
    "preference",
    "returning",
    "named",
)

#: Default weights: what the work is and how long the person did it matter most, then being
#: there for the season and wanting the job; rehiring and naming are bonuses. They sum to 1.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "occupation": 0.30,
    "experience": 0.15,
    "availability": 0.15,
    "language": 0.05,
    "preference": 0.15,
    "returning": 0.10,
    "named": 0.10,
}
#: A pair whose program rules a person must still check is worth a little less than a sure one.
REVIEW_FACTOR = 0.9
#: An applicant available for less than this share of the season is not a candidate.
MIN_SEASON_SHARE = 0.5

#: Occupation families (``data/occupations/isco08.csv``) that are neighbours on a farm.
FARM_FAMILIES = frozenset({"crop", "livestock", "mixed_farming", "nursery_greenhouse"})

FloatArray = npt.NDArray[np.float32]


def occupation_fit(a: str, b: str, families: Mapping[str, str]) -> float:
    """How close two ISCO-08 unit groups are, for matching (see the module docstring).

    Examples
    --------
    >>> fam = {"9211": "crop", "6111": "crop", "6121": "livestock", "9313": "construction"}
    >>> occupation_fit("9211", "9211", fam), occupation_fit("9211", "9212", fam)
    (1.0, 0.8)
    >>> occupation_fit("9211", "6111", fam), occupation_fit("9211", "6121", fam)
    (0.6, 0.4)
    >>> occupation_fit("9211", "9313", fam)
    0.0
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a[:3] == b[:3]:
        return 0.8
    fa, fb = families.get(a), families.get(b)
    if fa is not None and fa == fb:
        return 0.6
    if a[:2] == b[:2]:
        return 0.5
    if fa in FARM_FAMILIES and fb in FARM_FAMILIES:
        return 0.4
    return 0.0


def weighted_score(
    components: Mapping[str, npt.ArrayLike],
    review: npt.ArrayLike | None = None,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> FloatArray:
    """The score of each pair: weighted components, times REVIEW_FACTOR where ``review``.

    Examples
    --------
    >>> parts = {name: [1.0, 0.0] for name in COMPONENTS}
    >>> [round(float(x), 3) for x in weighted_score(parts)]
    [1.0, 0.0]
    >>> [round(float(x), 3) for x in weighted_score(parts, review=[True, False])]
    [0.9, 0.0]
    """
    total: FloatArray | None = None
    for name in COMPONENTS:
        part = np.asarray(components[name], dtype=np.float32) * np.float32(weights[name])
        total = part if total is None else total + part
    assert total is not None
    if review is not None:
        total = np.where(np.asarray(review, dtype=bool), total * np.float32(REVIEW_FACTOR), total)
    return np.clip(total, 0.0, 1.0).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Explanations

_TEXT: dict[str, dict[str, str]] = {
    "occupation": {
        "es": "Su trabajo se parece al del puesto",
        "en": "Your work is like this job",
        "fr": "Votre travail ressemble à cet emploi",
    },
    "experience": {
        "es": "Sus meses de experiencia en ese trabajo",
        "en": "Your months of experience in that work",
        "fr": "Vos mois d'expérience dans ce travail",
    },
    "availability": {
        "es": "Puede trabajar durante la temporada",
        "en": "You can work during the season",
        "fr": "Vous pouvez travailler pendant la saison",
    },
    "language": {
        "es": "Habla el idioma del lugar de trabajo",
        "en": "You speak the language of the workplace",
        "fr": "Vous parlez la langue du lieu de travail",
    },
    "preference": {
        "es": "Es el país, el programa y el salario que usted prefiere",
        "en": "It is the country, program and wage you prefer",
        "fr": "C'est le pays, le programme et le salaire que vous préférez",
    },
    "returning": {
        "es": "Ya trabajó antes en este programa",
        "en": "You worked in this program before",
        "fr": "Vous avez déjà travaillé dans ce programme",
    },
    "named": {
        "es": "El empleador pidió trabajar con usted",
        "en": "The employer asked for you",
        "fr": "L'employeur vous a demandé",
    },
    "review": {
        "es": "Una persona debe revisar todavía una regla del programa",
        "en": "A person must still check a program rule",
        "fr": "Une personne doit encore vérifier une règle du programme",
    },
}


def explain(
    components: Mapping[str, float],
    score: float,
    *,
    lang: str = "es",
    review: bool = False,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> dict[str, Any]:
    """A match's explanation as plain data: every component, its weight, its share of the
    score and a sentence in ``lang`` (es, en or fr; anything else reads English).

    Examples
    --------
    >>> parts = dict.fromkeys(COMPONENTS, 0.0) | {"occupation": 1.0, "experience": 0.5}
    >>> e = explain(parts, 0.375, lang="es")
    >>> e["score"], e["components"][0]["name"], e["components"][0]["text"]
    (0.375, 'occupation', 'Su trabajo se parece al del puesto')
    >>> [c["points"] for c in e["components"][:2]]
    [0.3, 0.075]
    """
    lang = lang if lang in ("es", "fr") else "en"
    parts: list[dict[str, Any]] = []
    for name in COMPONENTS:
        value = float(components[name])
        parts.append(
            {
                "name": name,
                "value": round(value, 3),
                "weight": weights[name],
                "points": round(value * weights[name], 3),
                "text": _TEXT[name][lang],
            }
        )
    parts.sort(key=lambda p: -p["points"])
    return {
        "score": round(float(score), 3),
        "lang": lang,
        "components": parts,
        "review": review,
        "review_text": _TEXT["review"][lang] if review else None,
    }


# ---------------------------------------------------------------------------------------------
# A model fitted on recorded outcomes


@dataclass(frozen=True)
class Calibration:
    """How well the fitted model's probabilities match what happened (cross-validated)."""

    outcomes: int
    completed: int
    brier: float  # mean squared error of the predicted probabilities; lower is better
    baseline_brier: float  # the same for always predicting the overall completion rate
    bins: tuple[tuple[float, float, int], ...]  # (mean predicted, observed rate, count)


@dataclass
class OutcomeModel:
    """Completion probability from the components, fitted on placements that ended.

    Calibrated logistic regression (scikit-learn ``CalibratedClassifierCV``); the score of a
    pair is then the predicted chance that the placement is completed. Used only when at
    least ``min_outcomes`` outcomes with ``min_per_class`` of each kind are recorded;
    :meth:`fit` says so by returning ``None`` otherwise.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((400, len(COMPONENTS)))
    >>> y = (X[:, 0] + 0.3 * rng.standard_normal(400) > 0.5).astype(int)
    >>> model = OutcomeModel()
    >>> model.fit(X, y) is not None
    True
    >>> p = model.predict(X[:3])
    >>> bool(((0 <= p) & (p <= 1)).all())
    True
    >>> OutcomeModel().fit(X[:10], y[:10]) is None  # too few outcomes: keep the weights
    True
    """

    min_outcomes: int = 200
    min_per_class: int = 30
    calibration_: Calibration | None = field(default=None, init=False)
    model_: Any = field(default=None, init=False, repr=False)

    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike) -> Calibration | None:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import cross_val_predict

        features = np.asarray(X, dtype=float)
        labels = np.asarray(y, dtype=int)
        completed = int(labels.sum())
        if (
            len(labels) < self.min_outcomes
            or min(completed, len(labels) - completed) < self.min_per_class
        ):
            return None
        model = CalibratedClassifierCV(LogisticRegression(max_iter=1000), cv=5)
        predicted = cross_val_predict(model, features, labels, cv=5, method="predict_proba")[:, 1]
        model.fit(features, labels)
        self.model_ = model
        self.calibration_ = _calibration(labels, predicted)
        return self.calibration_

    def predict(self, X: npt.ArrayLike) -> FloatArray:
        if self.model_ is None:
            raise ValueError("the model is not fitted")
        proba = self.model_.predict_proba(np.asarray(X, dtype=float))[:, 1]
        return np.asarray(proba, dtype=np.float32)

    def score_pairs(
        self, components: Mapping[str, npt.ArrayLike], review: npt.ArrayLike | None = None
    ) -> FloatArray:
        """The score of each pair as the fitted chance of completing the placement, times
        REVIEW_FACTOR where ``review`` (what :func:`weighted_score` is for the weights)."""
        features = np.column_stack([np.asarray(components[name], float) for name in COMPONENTS])
        score = self.predict(features) if len(features) else np.zeros(0, dtype=np.float32)
        if review is not None:
            sure = ~np.asarray(review, dtype=bool)
            score = np.where(sure, score, score * np.float32(REVIEW_FACTOR))
        return np.clip(score, 0.0, 1.0).astype(np.float32)


def _calibration(labels: npt.NDArray[np.int_], predicted: npt.NDArray[np.float64]) -> Calibration:
    rate = labels.mean()
    edges = np.linspace(0.0, 1.0, 6)
    which = np.clip(np.digitize(predicted, edges[1:-1]), 0, 4)
    bins = tuple(
        (
            float(predicted[which == b].mean()),
            float(labels[which == b].mean()),
            int((which == b).sum()),
        )
        for b in range(5)
        if (which == b).any()
    )
    return Calibration(
        outcomes=len(labels),
        completed=int(labels.sum()),
        brier=float(np.mean((predicted - labels) ** 2)),
        baseline_brier=float(np.mean((rate - labels) ** 2)),
        bins=bins,
    )


def component_matrix(rows: Sequence[Mapping[str, float]]) -> npt.NDArray[np.float64]:
    """Stack component dicts (e.g. from stored explanations) into the model's feature matrix."""
    return np.array([[float(r[name]) for name in COMPONENTS] for r in rows], dtype=float)
