"""What `pip install .` gives a user: a wheel with compiled catalogs and the reference data,
that serves Spanish pages with no checkout next to it; and no start without catalogs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, test_settings


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (a test extra) builds the wheel")
    from hatchling.builders.wheel import WheelBuilder

    out = tmp_path_factory.mktemp("dist")
    built = list(WheelBuilder(str(ROOT)).build(directory=str(out), versions=["standard"]))
    assert len(built) == 1
    return Path(built[0])


@pytest.mark.slow
def test_the_wheel_carries_compiled_catalogs_and_reference_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("es", "fr"):
        assert f"pathways/translations/{lang}/LC_MESSAGES/messages.mo" in names
    assert "pathways/data/programs/US-H2A.toml" in names
    assert "pathways/data/occupations/titles.csv" in names
    assert "pathways/migrations/env.py" in names
    assert "matching/eligibility.py" in names


@pytest.mark.slow
def test_an_installed_wheel_serves_spanish_pages(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    script = f"""
import sys
sys.path.insert(0, {str(target)!r})
sys.path = [p for p in sys.path if p not in ('', {str(ROOT)!r})]
import pathways
assert pathways.__file__.startswith({str(target)!r}), pathways.__file__
from pathways import migrate
from pathways.db import make_engine
from pathways.settings import DATA_DIR
from sqlmodel import Session
from pathways.services.reference import load_reference
url = "sqlite:///{tmp_path / "db.sqlite"}"
engine = make_engine(url)
migrate.upgrade(engine)
with Session(engine) as s:
    load_reference(s, data_dir=DATA_DIR)
from pathways import create_app
app = create_app({{"database_url": url, "env": "test", "secret_key": "x"}})
page = app.test_client().get("/eligibility").get_data(as_text=True)
print("Nacionalidad" in page, "Nunca pague" in page, str(DATA_DIR).startswith({str(target)!r}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-3:] == ["True", "True", "True"], result.stdout


def test_missing_catalogs_stop_start_up(database_url: str, tmp_path: Path, monkeypatch) -> None:
    from pathways import app as app_module
    from pathways import create_app
    from pathways.i18n_catalogs import check_catalogs
    from pathways.settings import ConfigError

    empty = tmp_path / "translations"
    (empty / "es" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.setattr(app_module, "check_catalogs", lambda: check_catalogs(empty))
    with pytest.raises(ConfigError, match="translations not compiled for es, fr"):
        create_app(test_settings(database_url))
