"""Read data/programs/*.toml: the one place that knows the program file format on disk."""

from __future__ import annotations

import hashlib
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from matching.eligibility import program_from_dict


class ProgramFileError(ValueError):
    """A program file that cannot be used; the message names the file and the field."""


def jsonable(value: Any) -> Any:
    """TOML dates → ISO strings, so a program file can be stored as JSON and read back."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def read_program_files(directory: Path) -> list[tuple[Path, dict[str, Any], str]]:
    """Every program file under `directory`, parsed and validated: (path, data, sha256)."""
    if not directory.is_dir():
        raise ProgramFileError(f"{directory}: the programs folder does not exist")
    out = []
    for path in sorted(directory.glob("*.toml")):
        raw = path.read_bytes()
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProgramFileError(f"{path.name}: not valid TOML: {exc}") from None
        try:
            program_from_dict(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise ProgramFileError(f"{path.name}: {exc}") from None
        if path.stem != data.get("code"):
            raise ProgramFileError(
                f"{path.name}: the file name must be its code {data.get('code')!r}"
            )
        out.append((path, jsonable(data), hashlib.sha256(raw).hexdigest()))
    if not out:
        raise ProgramFileError(f"{directory}: no program files (*.toml)")
    return out
