"""Build hook: compile the es/fr message catalogs into the wheel (and the source tree).

The compiled ``.mo`` files are not in git. Without them Flask-Babel silently shows English,
so every build — ``pip install .``, ``pip install -e .``, a wheel for production — compiles
them from the ``.po`` files. The app refuses to start when they are missing (see
``pathways.i18n_catalogs``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root)
        for po in sorted((root / "pathways" / "translations").glob("*/LC_MESSAGES/messages.po")):
            with po.open("rb") as source:
                catalog = read_po(source)
            mo = po.with_suffix(".mo")
            with mo.open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)
            build_data["force_include"][str(mo)] = str(mo.relative_to(root))
