"""The program catalog in data/programs/ parses and follows the data rules of its README."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from matching.eligibility import Certainty, Program, Status, program_from_dict
from tests.matching.catalog import ORDER, PROGRAMS_DIR, load_program

FILES = sorted(PROGRAMS_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def catalog() -> dict[str, Program]:
    return {p.code: p for p in map(load_program, FILES)}


def test_one_file_per_program_code(catalog: dict[str, Program]) -> None:
    assert sorted(catalog) == sorted(ORDER)
    for path in FILES:
        assert load_program(path).code == path.stem


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_rule_is_complete(path: Path) -> None:
    program = load_program(path)
    assert program.rules
    for rule in program.rules:
        for lang in ("es", "en", "fr"):
            assert rule.text.get(lang).strip(), rule.id
        assert rule.source.startswith("https://"), rule.id
        assert isinstance(rule.effective_from, date)
        assert rule.effective_to is None or rule.effective_to >= rule.effective_from
        if rule.certainty is Certainty.UNCERTAIN:
            assert rule.on_fail is Status.NEEDS_REVIEW, rule.id
        if rule.on_fail is Status.NOT_ELIGIBLE:
            assert rule.remedy is not None, f"{rule.id} must say what would make one eligible"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_program_texts_and_steps(path: Path) -> None:
    program = load_program(path)
    assert program.url.startswith("https://")
    assert program.next_steps
    for text in (program.name, program.description, *program.next_steps):
        assert all(text.get(lang) for lang in ("es", "en", "fr"))
    for cap in program.caps:
        assert cap.source.startswith("https://") and cap.amount > 0


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_versions_of_one_rule_do_not_overlap(path: Path) -> None:
    versions: dict[str, list[tuple[date, date]]] = {}
    for rule in load_program(path).rules:
        versions.setdefault(rule.id, []).append(
            (rule.effective_from, rule.effective_to or date.max)
        )
    for rule_id, spans in versions.items():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end < start, rule_id


def test_h2_country_lists(catalog: dict[str, Program]) -> None:
    h2a = set(catalog["US-H2A"].lists["h2a-2024"])
    h2b = set(catalog["US-H2B"].lists["h2b-2024"])
    assert len(h2a) == 88 and len(h2b) == 89
    assert h2a - h2b == {"PY"} and h2b - h2a == {"MN", "PH"}
    assert {"GT", "SV", "HN", "MX"} <= h2a


def test_h2b_caps(catalog: dict[str, Program]) -> None:
    caps = {c.id: c for c in catalog["US-H2B"].caps}
    statutory = [c for c in caps.values() if c.kind == "statutory"]
    assert sum(c.amount for c in statutory) == 66_000
    by_year: dict[int, int] = {}
    for cap in caps.values():
        if cap.fiscal_year is not None:
            by_year[cap.fiscal_year] = by_year.get(cap.fiscal_year, 0) + cap.amount
    assert by_year == {2022: 55_000, 2023: 64_716, 2024: 64_716, 2025: 64_716, 2026: 64_716}
    assert set(caps["us-h2b.supplemental.fy2024.reserved"].reserved_for) == {
        "GT",
        "SV",
        "HN",
        "HT",
        "CO",
        "EC",
        "CR",
    }
    assert not any(c.reserved_for for c in caps.values() if c.fiscal_year == 2026)


def test_catalog_view_is_plain_data(catalog: dict[str, Program]) -> None:
    import json

    view = catalog["CA-TFWP-LOW"].to_dict(as_of=date(2025, 8, 1), lang="fr")
    json.dumps(view)
    ids = [r["id"] for r in view["rules"]]
    assert len(ids) == len(set(ids))  # one version per rule on a date
    assert catalog["US-H2B"].to_dict(lang=None)["caps"][0]["label"]["es"]


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["rules"][0].pop("source"), "source"),
        (lambda d: d["rules"][0]["text"].pop("fr"), "text.fr"),
        (
            lambda d: d["rules"][0].update(certainty="uncertain", on_fail="not_eligible"),
            "uncertain",
        ),
        (
            lambda d: d["rules"][0].update(
                condition={"fact": "applicant.shoe", "op": "eq", "value": 1}
            ),
            "unknown fact",
        ),
        (lambda d: d["rules"].append(dict(d["rules"][0])), "overlap"),
    ],
)
def test_bad_data_is_refused_with_a_clear_message(mutate, message) -> None:
    with (PROGRAMS_DIR / "MX-TVTF.toml").open("rb") as fh:
        data = tomllib.load(fh)
    mutate(data)
    with pytest.raises(ValueError, match=message):
        program_from_dict(data)
