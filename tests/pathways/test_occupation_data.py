"""Checks for the curated occupation reference tables in data/occupations/.

The schema tests need only the repository.  The code-list and cross-check tests read the
official files in ``../shared/data`` (override with ``PATHWAYS_SHARED_DATA``) and skip when
they are absent.
"""

from __future__ import annotations

import collections
import csv
import os
import re
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "occupations"

FAMILIES = {
    "crop",
    "livestock",
    "mixed_farming",
    "nursery_greenhouse",
    "forestry",
    "fishing_seafood",
    "meat_food_processing",
    "landscaping_grounds",
    "construction",
    "hospitality_food_service",
    "cleaning_housekeeping",
    "care_work",
    "transport_warehousing",
    "manufacturing_labour",
}
SYSTEMS = {"SOC2018", "NOC2021", "SINCO2019"}
RELATIONS = {"exact", "broader", "narrower", "partial"}
CODE_RE = {
    "SOC2018": re.compile(r"^\d{2}-\d{4}$"),
    "NOC2021": re.compile(r"^\d{5}$"),
    "SINCO2019": re.compile(r"^\d{4}$"),
}
SKIP_REASON = "../shared/data not present: official crosswalk files are needed for this cross-check"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


@cache
def isco_rows() -> tuple[dict[str, str], ...]:
    return tuple(_read(DATA / "isco08.csv"))


@cache
def crosswalk_rows() -> tuple[dict[str, str], ...]:
    return tuple(_read(DATA / "crosswalk.csv"))


@cache
def title_rows() -> tuple[dict[str, str], ...]:
    return tuple(_read(DATA / "titles.csv"))


def family_groups() -> set[str]:
    return {r["isco08"] for r in isco_rows() if r["family"]}


def shared_dir() -> Path:
    env = os.environ.get("PATHWAYS_SHARED_DATA")
    return Path(env) if env else (REPO / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="module")
def shared() -> Path:
    d = shared_dir()
    if not d.is_dir():
        pytest.skip(SKIP_REASON)
    return d


# ---------------------------------------------------------------- schema (repository only)


def test_headers():
    assert _header(DATA / "isco08.csv") == [
        "isco08",
        "level",
        "title_en",
        "title_es",
        "title_fr",
        "family",
        "source",
    ]
    assert _header(DATA / "crosswalk.csv") == [
        "isco08",
        "system",
        "code",
        "title",
        "relation",
        "source",
        "note",
    ]
    assert _header(DATA / "titles.csv") == ["isco08", "lang", "title", "kind", "source"]
    assert (DATA / "README.md").is_file()


def test_isco_rows():
    seen = set()
    all_codes = {x["isco08"] for x in isco_rows()}
    for r in isco_rows():
        code = r["isco08"]
        assert re.fullmatch(r"\d{1,4}", code), code
        assert code not in seen, f"duplicate ISCO code {code}"
        seen.add(code)
        assert r["level"] == str(len(code)), code
        assert r["title_en"] and r["title_es"] and r["title_fr"], code
        assert r["source"], code
        if r["family"]:
            assert r["family"] in FAMILIES, (code, r["family"])
            assert len(code) == 4, f"family only on unit groups: {code}"
        if len(code) > 1:
            assert code[:-1] in all_codes, f"parent of {code} missing"


def test_at_least_150_family_unit_groups():
    groups = family_groups()
    assert len(groups) >= 150, len(groups)
    assert {r["family"] for r in isco_rows() if r["family"]} == FAMILIES


def test_crosswalk_rows_well_formed():
    isco = {r["isco08"] for r in isco_rows()}
    keys = set()
    for r in crosswalk_rows():
        where = f"{r['isco08']} {r['system']} {r['code']}"
        assert r["isco08"] in isco and len(r["isco08"]) == 4, where
        assert r["system"] in SYSTEMS, where
        assert CODE_RE[r["system"]].match(r["code"]), where
        assert r["relation"] in RELATIONS, where
        assert r["title"] and r["source"], where
        key = (r["isco08"], r["system"], r["code"])
        assert key not in keys, f"duplicate crosswalk row {where}"
        keys.add(key)
        if r["system"] == "SINCO2019":
            assert "INEGI SINCO 2019" in r["source"], where


def test_every_family_group_has_all_three_systems():
    have = collections.defaultdict(set)
    for r in crosswalk_rows():
        have[r["isco08"]].add(r["system"])
    missing = {g: sorted(SYSTEMS - have[g]) for g in family_groups() if SYSTEMS - have[g]}
    assert not missing, missing


def test_titles_rows_and_languages():
    isco = {r["isco08"] for r in isco_rows()}
    keys = set()
    for r in title_rows():
        assert r["isco08"] in isco, r
        assert r["lang"] in {"en", "es", "fr"}, r
        assert r["kind"] in {"official", "common"}, r
        assert r["title"].strip() == r["title"] and r["title"], r
        assert r["source"], r
        if r["kind"] == "common":
            assert r["source"].startswith("curated:"), r
        key = (r["isco08"], r["lang"], r["title"].casefold())
        assert key not in keys, f"duplicate title {key}"
        keys.add(key)
    assert len(title_rows()) >= 1500
    langs = collections.defaultdict(set)
    for r in title_rows():
        langs[r["isco08"]].add(r["lang"])
    missing = {
        g: sorted({"en", "es", "fr"} - langs[g])
        for g in family_groups()
        if {"en", "es", "fr"} - langs[g]
    }
    assert not missing, missing


def test_common_titles_cover_key_migration_jobs():
    found = collections.defaultdict(set)
    for r in title_rows():
        found[(r["lang"], r["title"].casefold())].add(r["isco08"])
    expected = {
        ("en", "farmworker"): "9211",
        ("es", "jornalero agrícola"): "9211",
        ("es", "cortador de café"): "9211",
        ("fr", "ouvrier agricole"): "9211",
        ("en", "landscape laborer"): "9214",
        ("fr", "manœuvre en aménagement paysager"): "9214",
        ("es", "albañil"): "7112",
        ("es", "ayudante de albañil"): "9313",
        ("es", "mesero"): "5131",
        ("es", "recamarista"): "9112",
        ("fr", "préposé aux bénéficiaires"): "5321",
        ("es", "tractorista"): "8341",
    }
    for key, isco in expected.items():
        assert isco in found.get(key, set()), (key, sorted(found.get(key, set())))
    assert sum(r["kind"] == "common" for r in title_rows()) >= 500


# ---------------------------------------------------------------- official code lists


@cache
def _official(shared_path: str):
    d = Path(shared_path)
    soc = {
        r["code"]: r["title"]
        for r in _read(d / "classifications" / "soc2018_onetsoc2019_structure.csv")
        if r["level"] == "detailed"
    }
    noc = {
        r["noc2021_code"]: r["noc2021_title"]
        for r in _read(d / "classifications" / "noc2021_unit_groups.csv")
    }
    sinco = {
        r["sinco2019_code"]: r["title_es"]
        for r in _read(d / "classifications" / "sinco2019_mexico_es.csv")
        if r["level"] == "grupo_unitario"
    }
    isco = {r["code"]: r for r in _read(d / "classifications" / "isco08_labels_en_es_fr.csv")}
    return {"SOC2018": soc, "NOC2021": noc, "SINCO2019": sinco}, isco


def test_crosswalk_codes_exist_in_official_lists(shared):
    lists, _ = _official(str(shared))
    bad = []
    for r in crosswalk_rows():
        titles = lists[r["system"]]
        if r["code"] not in titles:
            bad.append(f"{r['isco08']} {r['system']} {r['code']}: code not in official list")
        elif titles[r["code"]] != r["title"]:
            bad.append(
                f"{r['isco08']} {r['system']} {r['code']}: title {r['title']!r} "
                f"!= official {titles[r['code']]!r}"
            )
    assert not bad, "\n".join(bad)


def test_isco_titles_match_official(shared):
    _, isco = _official(str(shared))
    ours = {r["isco08"]: r for r in isco_rows()}
    assert set(ours) <= set(isco)
    bad = [
        c
        for c, r in ours.items()
        if (r["title_en"], r["title_es"], r["title_fr"])
        != (isco[c]["label_en"].strip(), isco[c]["label_es"].strip(), isco[c]["label_fr"].strip())
    ]
    assert not bad, bad


# ------------------------------------------------------- cross-check against official crosswalks


def _official_pairs(d: Path):
    """(isco, SOC 2018) pairs: IBS + O*NET 2010->2018; (isco, NOC 2021) pairs implied via SOC."""
    s10_18 = collections.defaultdict(set)
    for r in _read(d / "crosswalks" / "onetsoc2010_to_soc2018.csv"):
        s10_18[r["onetsoc2010_code"][:7]].add(r["soc2018_code"])
    isco_soc = set()
    for r in _read(d / "crosswalks" / "soc2010_to_isco08_ibs.csv"):
        for s in s10_18.get(r["soc2010_code"], ()):
            isco_soc.add((r["isco08_code"].zfill(4), s))
    n16_21 = collections.defaultdict(set)
    for r in _read(d / "crosswalks" / "statcan_noc2016v1.3_to_noc2021v1.0.csv"):
        a, b = r["NOC 2016 V1.3 Code"].strip(), r["NOC 2021 V1.0 Code"].strip()
        if a and b:
            n16_21[a.zfill(4)].add(b.zfill(5))
    soc_noc21 = collections.defaultdict(set)
    for r in _read(d / "crosswalks" / "statcan_noc2016v1.3_to_soc2018us.csv"):
        a = r["NOC 2016  Version 1.3 Code"].strip().zfill(4)
        soc_noc21[r["SOC 2018 (US) Code"].strip()] |= n16_21.get(a, set())
    isco_noc = {(i, n) for i, s in isco_soc for n in soc_noc21.get(s, ())}
    return isco_soc, isco_noc


def test_cross_check_against_official_crosswalks(shared):
    isco_soc, isco_noc = _official_pairs(shared)
    disagreements = []
    for r in crosswalk_rows():
        if r["system"] == "SOC2018" and (r["isco08"], r["code"]) not in isco_soc:
            why = (
                "SOC code not linked to this ISCO group by IBS SOC2010-ISCO08 (+ O*NET 2010->2018)"
            )
        elif r["system"] == "NOC2021" and (r["isco08"], r["code"]) not in isco_noc:
            why = (
                "NOC 2021 code not implied by ISCO->SOC (IBS) -> NOC 2016 (StatCan) "
                "-> NOC 2021 (StatCan)"
            )
        else:
            continue
        disagreements.append((r, why))
    report = "\n".join(
        f"  {r['isco08']} {r['system']} {r['code']} ({r['title']}): {why}\n"
        f"      note: {r['note'] or '<EMPTY>'}"
        for r, why in disagreements
    )
    print(
        f"\n{len(disagreements)} deliberate/undocumented disagreements with official "
        f"crosswalks:\n{report}"
    )
    undocumented = [r for r, _ in disagreements if not r["note"].strip()]
    assert not undocumented, (
        "crosswalk rows disagree with the official crosswalks and carry no note:\n" + report
    )
    documented_but_agreeing = [
        r
        for r in crosswalk_rows()
        if r["note"].strip().lower().startswith("departure")
        and r["system"] in {"SOC2018", "NOC2021"}
        and all(r is not d for d, _ in disagreements)
    ]
    assert not documented_but_agreeing, [
        (r["isco08"], r["system"], r["code"]) for r in documented_but_agreeing
    ]
