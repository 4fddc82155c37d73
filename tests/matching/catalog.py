"""The real program catalog of data/programs/, for tests (the library itself reads no files)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from matching.eligibility import Program, program_from_dict

PROGRAMS_DIR = Path(__file__).resolve().parents[2] / "data" / "programs"
# The program codes of API.md, in catalog order.
ORDER = [
    "US-H2A",
    "US-H2B",
    "CA-TFWP-AG",
    "CA-SAWP",
    "CA-TFWP-LOW",
    "CA-TFWP-HIGH",
    "MX-TVTF",
    "MX-RT-WORK",
]


def load_program(path: Path) -> Program:
    with path.open("rb") as fh:
        return program_from_dict(tomllib.load(fh))


def load_catalog() -> list[Program]:
    """Every program, parsed afresh, in catalog order."""
    programs = {path.stem: load_program(path) for path in PROGRAMS_DIR.glob("*.toml")}
    return [programs[code] for code in ORDER]
