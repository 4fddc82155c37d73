"""The compiled message catalogs must be there: without them every page is in English."""

from __future__ import annotations

from pathlib import Path

from pathways.settings import SUPPORTED_LANGS, ConfigError

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def check_catalogs(directory: Path = TRANSLATIONS_DIR) -> None:
    """Raise ConfigError naming the missing catalogs (a broken install, not a setting)."""
    missing = [
        lang
        for lang in SUPPORTED_LANGS
        if lang != "en" and not (directory / lang / "LC_MESSAGES" / "messages.mo").is_file()
    ]
    if missing:
        raise ConfigError(
            f"translations not compiled for {', '.join(missing)} in {directory}: install the "
            "package with pip (its build compiles them) or run "
            "`pybabel compile -d pathways/translations`"
        )
