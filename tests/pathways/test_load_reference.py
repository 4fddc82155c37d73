"""`pathways load-reference`: idempotent, and --from DIR finds official files by their columns."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from pathways.cli import main
from tests.conftest import shared_data


def _fresh_db(tmp_path, monkeypatch) -> str:
    from pathways import migrate
    from pathways.db import make_engine

    url = f"sqlite:///{tmp_path / 'ref.sqlite'}"
    migrate.upgrade(make_engine(url))
    monkeypatch.setenv("PATHWAYS_DATABASE_URL", url)
    monkeypatch.setenv("PATHWAYS_ENV", "test")
    monkeypatch.setenv("PATHWAYS_SECRET_KEY", "k")
    return url


def test_load_twice_changes_nothing(tmp_path, monkeypatch) -> None:
    _fresh_db(tmp_path, monkeypatch)
    first = CliRunner().invoke(main, ["load-reference"])
    assert first.exit_code == 0, first.output
    assert "programs: 8 loaded" in first.output and "+" in first.output
    second = CliRunner().invoke(main, ["load-reference"])
    assert "rule versions +0 ~0 -0" in second.output


def test_official_files_are_found_by_their_columns(tmp_path, monkeypatch) -> None:
    url = _fresh_db(tmp_path, monkeypatch)
    official = tmp_path / "downloads" / "nested"
    official.mkdir(parents=True)
    # Renamed on purpose: recognition is by columns, not by file name.
    shutil.copy(shared_data("onet", "onet27_occupation_data.tsv"), official / "a.tsv")
    shutil.copy(shared_data("onet", "onet27_sample_of_reported_titles.tsv"), official / "b.txt")
    shutil.copy(shared_data("crosswalks", "soc2010_to_isco08_ibs.csv"), official / "c.csv")
    shutil.copy(shared_data("crosswalks", "onetsoc2019_to_soc2018.csv"), official / "d.csv")
    (official / "notes.csv").write_text("what,ever\n1,2\n")
    result = CliRunner().invoke(main, ["load-reference", "--from", str(tmp_path / "downloads")])
    assert result.exit_code == 0, result.output
    assert "official files recognised" in result.output
    assert "notes.csv" in result.output  # listed as not recognised, not an error

    from pathways import create_app

    app = create_app(
        {"database_url": url, "env": "test", "secret_key": "k", "ratelimit_enabled": False}
    )
    body = app.test_client().get("/api/v1/occupations/resolve?title=Baler+Operator&lang=en")
    top = body.get_json()["candidates"][0]
    assert top["soc2018"][0] == "45-2091", top  # the O*NET title brought its SOC
    # Loading again without --from keeps the official titles.
    again = CliRunner().invoke(main, ["load-reference"])
    assert again.exit_code == 0
    assert "titles" in again.output


def test_broken_program_file_changes_nothing(tmp_path, monkeypatch) -> None:
    from tests.conftest import ROOT

    _fresh_db(tmp_path, monkeypatch)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "programs" / "US-H2A.toml").write_text('code = "US-H2A"\n[[rules]]\nid = 3\n')
    monkeypatch.setenv("PATHWAYS_DATA_DIR", str(data))
    result = CliRunner().invoke(main, ["load-reference"])
    assert result.exit_code == 1
    assert "US-H2A.toml" in result.output
