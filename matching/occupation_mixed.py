"""Titles naming two activities: "trabajo en la milpa y con ganado" is mixed farming.

A job description that joins a crop activity and an animal activity ("milpa y ganado",
"crop and livestock") names neither a crop nor a livestock occupation but ISCO-08's mixed
groups: 9213 mixed crop and livestock farm labourers, 6130 mixed crop and animal producers,
6330 subsistence mixed crop and livestock farmers. The resolver resolves each coordinated
part on its own and, when one part is a crop occupation and another an animal one, offers the
mixed group with the mean score of those parts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["coordinated_parts", "farm_activity", "mixed_group"]

_COORDINATOR_RE = re.compile(r"\s+(?:y|e|and|et)\s+|\s*[&+]\s*", re.IGNORECASE)
#: ISCO-08 unit-group prefixes of crop and of animal occupations (skilled, subsistence,
#: labourers).
_CROP = ("611", "631", "9211")
_ANIMAL = ("612", "632", "9212")


def coordinated_parts(title: str) -> tuple[str, ...]:
    """The activities a title joins with y / e / and / et / & / +, or ``()`` for one.

    Examples
    --------
    >>> coordinated_parts("trabajo en la milpa y con ganado")
    ('trabajo en la milpa', 'con ganado')
    >>> coordinated_parts("Farmworker")
    ()
    """
    parts = tuple(p.strip() for p in _COORDINATOR_RE.split(title) if p.strip())
    return parts if 1 < len(parts) <= 4 else ()


def farm_activity(isco08: str) -> bool:
    """Whether a unit group grows crops or raises animals (skilled, subsistence or labourer).

    Examples
    --------
    >>> farm_activity("6121"), farm_activity("9211"), farm_activity("5120")
    (True, True, False)
    """
    return isco08.startswith(_CROP + _ANIMAL)


def mixed_group(groups: Sequence[str]) -> str | None:
    """The mixed ISCO-08 group for the best groups of a title's parts, if they mix crops and
    animals: 9213 when a part is a labourer's, 6330 when all are subsistence, else 6130.

    Examples
    --------
    >>> mixed_group(["6310", "6121"]), mixed_group(["9211", "9212"]), mixed_group(["9211"])
    ('6130', '9213', None)
    """
    crop = any(g.startswith(_CROP) for g in groups)
    animal = any(g.startswith(_ANIMAL) for g in groups)
    if not (crop and animal):
        return None
    farm = [g for g in groups if farm_activity(g)]
    if any(g.startswith("92") for g in farm):
        return "9213"
    if all(g.startswith("63") for g in farm):
        return "6330"
    return "6130"
