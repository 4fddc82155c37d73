"""What every reference loader shares: the load report, content digests and version bumps.

A module of its own so that the loaders (`reference`, `occupations`, `rule_versions`) depend
on it and never on each other's internals: `reference` calls `occupations`, and nothing
calls back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from pathways.db import utcnow
from pathways.models import ReferenceVersion

__all__ = ["LoadReport", "bump_version", "digest_of", "touch_version"]


@dataclass
class LoadReport:
    programs: int = 0
    rules_added: int = 0
    rules_updated: int = 0
    rules_removed: int = 0
    occupations: int = 0
    codes: int = 0
    aliases: int = 0
    official_files: list[str] = field(default_factory=list)
    unknown_files: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"programs: {self.programs} loaded; rule versions +{self.rules_added} "
            f"~{self.rules_updated} -{self.rules_removed}",
            f"occupations: {self.occupations} groups, {self.codes} crosswalk codes, "
            f"{self.aliases} titles",
        ]
        if self.official_files:
            out.append("official files recognised: " + ", ".join(self.official_files))
        if self.unknown_files:
            out.append("files not recognised (ignored): " + ", ".join(self.unknown_files))
        return out


def digest_of(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def bump_version(session: Session, key: str, digest: str) -> ReferenceVersion:
    """Record that `key`'s content is now `digest`; the version moves only when it changed."""
    row = session.get(ReferenceVersion, key)
    if row is None:
        row = ReferenceVersion(key=key, version=0)
    if row.digest != digest or row.version == 0:
        row.version += 1
        row.digest = digest
        row.loaded_at = utcnow()
    session.add(row)
    return row


def touch_version(session: Session, key: str) -> ReferenceVersion:
    """Move `key`'s version without changing its digest: data derived from the database (not
    from the loaded files) changed, so caches must rebuild, but re-loading the same files must
    still find them unchanged."""
    row = session.get(ReferenceVersion, key)
    if row is None:
        row = ReferenceVersion(key=key, version=0)
    row.version += 1
    row.loaded_at = utcnow()
    session.add(row)
    return row
