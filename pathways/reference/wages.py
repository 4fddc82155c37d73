"""Read data/wages/fx_rates.toml into the engine's dated conversion table."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from matching.normalize import FxTable


@cache
def fx_table(data_dir: Path) -> FxTable:
    path = data_dir / "wages" / "fx_rates.toml"
    with path.open("rb") as handle:
        return FxTable.from_records(tomllib.load(handle)["rate"])
