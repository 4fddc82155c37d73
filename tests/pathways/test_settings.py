"""Bad settings stop start-up with one line naming the setting; never a half-configured app."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pathways import create_app
from pathways.settings import ConfigError, load_settings
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"target": "fifty thousand"}, "PATHWAYS_TARGET"),
        ({"target": 0}, "PATHWAYS_TARGET"),
        ({"target_start": "2027-13-01"}, "PATHWAYS_TARGET_START"),
        ({"target_origins": "Guatemala"}, "PATHWAYS_TARGET_ORIGINS"),
        ({"log_level": "LOUD"}, "PATHWAYS_LOG_LEVEL"),
        ({"database_url": "not a url"}, "PATHWAYS_DATABASE_URL"),
        ({"env": "production", "secret_key": None}, "PATHWAYS_SECRET_KEY"),
        ({"target_start": "2027-01-01", "target_end": "2026-01-01"}, "PATHWAYS_TARGET_END"),
    ],
)
def test_bad_setting_names_itself(overrides: dict, named: str) -> None:
    base = {"env": "test", "secret_key": "k"}
    with pytest.raises(ConfigError) as info:
        load_settings({**base, **overrides})
    message = str(info.value)
    assert named in message
    assert "\n" not in message


def test_defaults_follow_the_contract() -> None:
    settings = load_settings({"env": "development"})
    assert settings.database_url == "sqlite:///instance/pathways.sqlite"
    assert settings.target == 50000
    assert settings.origins == ("SV", "GT", "HN")
    assert settings.ratelimit_enabled is True
    start, end = settings.target_start, settings.target_end
    assert start is not None and end is not None and start.day == 1
    assert (end.year - start.year) * 12 + end.month - start.month == 23  # a 24-month window


def test_unreachable_database_is_named() -> None:
    with pytest.raises(ConfigError) as info:
        create_app(
            {
                "env": "test",
                "secret_key": "k",
                "database_url": "postgresql+psycopg://nobody:s3cret@127.0.0.1:1/none",
            }
        )
    message = str(info.value)
    assert message.startswith("PATHWAYS_DATABASE_URL: cannot connect")
    assert "s3cret" not in message


def test_unmigrated_database_refuses_to_start(tmp_path) -> None:
    with pytest.raises(ConfigError, match="pathways db upgrade"):
        create_app(
            {
                "env": "test",
                "secret_key": "k",
                "database_url": f"sqlite:///{tmp_path / 'empty.sqlite'}",
            }
        )


def test_wsgi_exits_with_one_clear_line(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    env.update(PATHWAYS_ENV="production", PATHWAYS_DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite")
    proc = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines == [
        "pathways: configuration error: PATHWAYS_SECRET_KEY is required (a development default "
        "exists only when PATHWAYS_ENV=development)"
    ]


def test_startup_logs_database_without_password(database_url, caplog) -> None:
    import logging

    from tests.conftest import test_settings

    caplog.set_level(logging.INFO, logger="pathways")
    create_app(test_settings(database_url))
    started = [r.getMessage() for r in caplog.records if "pathways started" in r.getMessage()]
    assert started and "database" in started[0]
    assert ":s3cret@" not in started[0]
