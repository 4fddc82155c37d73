"""Per-process caches of reference data, invalidated by ReferenceVersion.

Web hosts keep no state that matters across requests: a cache is only a copy of what the
database holds, checked against its version at most every `max_age` seconds, so a rule
loaded on one host is in force on every host within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlmodel import Session

from pathways.models import ReferenceVersion

T = TypeVar("T")


class VersionedCache(Generic[T]):
    def __init__(self, key: str, build: Callable[[Session], T]) -> None:
        self.key, self._build = key, build
        self._lock = threading.Lock()
        self._entries: dict[
            str, tuple[int, float, T]
        ] = {}  # database url → (version, checked, value)

    def get(self, session: Session, *, max_age: float) -> T:
        bind = str(session.get_bind().url)
        now = time.monotonic()
        entry = self._entries.get(bind)
        if entry is not None and now - entry[1] < max_age:
            return entry[2]
        row = session.get(ReferenceVersion, self.key)
        version = row.version if row else 0
        with self._lock:
            entry = self._entries.get(bind)
            if entry is None or entry[0] != version:
                entry = (version, now, self._build(session))
            else:
                entry = (version, now, entry[2])
            self._entries[bind] = entry
            return entry[2]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
