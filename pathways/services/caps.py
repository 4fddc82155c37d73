"""Program caps as the matching engine and the placement lifecycle see them.

The caps themselves are data (``data/programs/*.toml``, each with its source, dates and
certainty); this module counts their use by the placements tracked here.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from pathways.services import programs


def remaining_for_matching(session: Session, on: date) -> dict[str, int]:
    """Visas each capped program has left for a matching round run on ``on``.

    A round proposes people for a whole season, so every cap in force on ``on`` counts
    (both statutory halves of the fiscal year: unused first-half numbers roll into the
    second half). Programs without a cap are absent: they are limited by their slots only.
    """
    left: dict[str, int] = {}
    for program in programs.get_catalog(session):
        for cap in program.caps:
            window = programs.cap_window(cap, on)
            if window is None or not (window[0] <= on <= window[1] or cap.month_days):
                continue
            use = programs.cap_use(session, program, cap, on)
            left[program.code] = left.get(program.code, 0) + int(use["remaining"])
    return left
