"""`matching` is a pure library: importing it loads no web, ORM or application module."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

FORBIDDEN = ("flask", "werkzeug", "sqlalchemy", "sqlmodel", "pydantic", "pathways")


def test_importing_matching_loads_no_flask_orm_or_app() -> None:
    code = (
        "import sys, pkgutil, importlib, matching\n"
        "for m in pkgutil.iter_modules(matching.__path__):\n"
        "    importlib.import_module('matching.' + m.name)\n"
        f"bad = sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"matching imported: {proc.stdout.strip()}"
