"""Official classification files (recognised by columns) and the project occupation loader.

The official files are the real ones in ``../shared/data`` (see its PROVENANCE.md); set
``PATHWAYS_SHARED_DATA`` to point elsewhere. They are never copied into the repository:
tests copy single files into a temporary directory only.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest

from pathways.reference.occupations import (
    build_resolver,
    load_project_occupations,
    without_sources,
)
from pathways.reference.official import (
    OfficialFiles,
    official_aliases,
    official_crosswalk,
    official_records,
    scan_official_files,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "matching" / "fixtures" / "occupations"
SHARED = Path(os.environ.get("PATHWAYS_SHARED_DATA") or REPO.parent / "shared" / "data")

EXPECTED_KINDS = {
    "onet27_occupation_data.tsv": "onet_occupation_data",
    "onet27_alternate_titles.tsv": "onet_alternate_titles",
    "onet27_sample_of_reported_titles.tsv": "onet_reported_titles",
    "esco_occupations_en_es_fr.csv": "esco_occupations",
    "isco08_labels_en_es_fr.csv": "isco08_labels",
    "isco08_groups_en_esco.csv": "isco08_groups",
    "soc2018_onetsoc2019_structure.csv": "soc2018_structure",
    "noc2021_unit_groups.csv": "noc2021_unit_groups",
    "sinco2019_mexico_es.csv": "sinco2019",
    "soc2010_to_isco08_ibs.csv": "xw_soc2010_isco08",
    "onetsoc2019_to_soc2018.csv": "xw_onetsoc2019_soc2018",
    "onetsoc2010_to_soc2018.csv": "xw_onetsoc2010_soc2018",
    "statcan_noc2016v1.3_to_soc2018us.csv": "xw_noc2016_soc2018",
    "statcan_noc2016v1.3_to_noc2021v1.0.csv": "xw_noc2016_noc2021",
    "bcgov_onetsoc2019_to_noc2021_weighted.csv": "xw_onetsoc2019_noc2021",
}

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"../shared/data not present: {SHARED} (set PATHWAYS_SHARED_DATA to the official files)",
)


def shared_file(name: str) -> Path:
    matches = sorted(SHARED.rglob(name))
    if not matches:
        pytest.skip(f"../shared/data not present: {name} missing under {SHARED}")
    return matches[0]


@pytest.fixture(scope="module")
def official() -> OfficialFiles:
    if not SHARED.is_dir():
        pytest.skip(f"../shared/data not present: {SHARED}")
    return scan_official_files(SHARED)


# --------------------------------------------------------------------------- recognition


@needs_shared
def test_every_official_file_kind_is_recognised_by_its_columns(official: OfficialFiles) -> None:
    found = {path.name: kind for path, kind in official.files.items()}
    assert found == EXPECTED_KINDS
    unknown = {p.name for p in official.unknown}
    # Other real files (OFLC disclosures, LMIA lists, job zones, README) are listed, not errors.
    assert "h2a_disclosure_fy2022_q1.csv" in unknown
    assert "onet27_job_zones.tsv" in unknown


@needs_shared
def test_parsed_contents_match_the_releases(official: OfficialFiles) -> None:
    assert len(official.onet_occupations) == 1016
    kinds = {t.kind for t in official.onet_titles}
    assert kinds == {"alternate", "short", "reported"}
    assert sum(t.kind == "alternate" for t in official.onet_titles) == 52754
    assert sum(t.kind == "reported" for t in official.onet_titles) == 7541
    assert len(official.esco_occupations) == 2942
    assert len([g for g in official.isco08.values() if g.level == 4]) == 436
    assert official.isco08["9211"].titles == {
        "en": "Crop farm labourers",
        "es": "Peones de explotaciones agrícolas",
        "fr": "Manœuvres de l’agriculture",
    }
    assert official.isco08["0110"].level == 4  # leading zeros kept
    assert len(official.noc2021) == 516 and all(len(n.code) == 5 for n in official.noc2021)
    assert {s.level for s in official.sinco2019} >= {"division", "grupo_unitario"}
    assert len(official.soc2018) == 1596
    noc = official.crosswalk("noc2016", "noc2021")
    assert ("0011", "00010") in {(r.source_code, r.target_code) for r in noc}
    bc = official.crosswalk("onetsoc2019", "noc2021")
    assert bc and all(r.weight is not None and len(r.target_code) == 5 for r in bc)
    assert official.crosswalk("soc2010", "isco08")
    assert len(official.crosswalk("onetsoc2010", "soc2018")) == 1170


@needs_shared
def test_renamed_copy_is_still_recognised(tmp_path: Path) -> None:
    for name in ("onet27_alternate_titles.tsv", "soc2010_to_isco08_ibs.csv"):
        shutil.copy(shared_file(name), tmp_path / secrets.token_hex(6))
    shutil.copy(shared_file("noc2021_unit_groups.csv"), tmp_path / "export (3).txt")
    files = scan_official_files(tmp_path)
    assert sorted(files.files.values()) == [
        "noc2021_unit_groups",
        "onet_alternate_titles",
        "xw_soc2010_isco08",
    ]
    assert sum(t.kind == "alternate" for t in files.onet_titles) == 52754
    assert files.unknown == []


def _subset(name: str, keep: str) -> str:
    lines = shared_file(name).read_text(encoding="utf-8").splitlines()
    return "\n".join([lines[0], *[line for line in lines[1:] if keep in line]]) + "\n"


@needs_shared
@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_cp1252_variants_parse(tmp_path: Path, encoding: str) -> None:
    text = _subset("isco08_labels_en_es_fr.csv", "Peones de explotaciones")
    (tmp_path / "labels.csv").write_bytes(text.replace("\n", "\r\n").encode(encoding))
    text = _subset("esco_occupations_en_es_fr.csv", ",9211,")
    (tmp_path / "esco.csv").write_bytes(text.encode(encoding, errors="replace"))
    files = scan_official_files(tmp_path)
    assert sorted(files.files.values()) == ["esco_occupations", "isco08_labels"]
    assert files.isco08["9211"].titles["es"] == "Peones de explotaciones agrícolas"
    assert files.isco08["9212"].titles["fr"] == "Manœuvres de l’élevage"
    assert files.esco_occupations and all(o.isco08 == "9211" for o in files.esco_occupations)
    assert any("é" in label for o in files.esco_occupations for label in o.preferred.values())


def test_unknown_and_binary_files_are_listed_or_skipped(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02")
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "empty.tsv").write_bytes(b"")
    files = scan_official_files(tmp_path)
    assert files.files == {}
    assert {p.name for p in files.unknown} == {"notes.csv", "blob.bin", "empty.tsv"}


# --------------------------------------------------------------------------- derived data


@needs_shared
def test_onet_titles_become_isco_aliases_with_their_soc(official: OfficialFiles) -> None:
    aliases = official_aliases(official)
    farm = [a for a in aliases if a.text == "Farm Worker" and a.soc2018 == "45-2092"]
    assert {a.isco08 for a in farm} >= {"9211"}
    top = max(a.weight for a in farm)
    assert [a.isco08 for a in farm if a.weight == top] == ["9211"]
    esco = [a for a in aliases if a.source.startswith("esco") and a.lang == "es"]
    assert any(a.text == "jornalero hortícola" and a.isco08 == "9211" for a in esco)
    assert not any("/" in a.text for a in aliases if a.source == "esco-preferred")


@needs_shared
def test_onet_title_weights_grow_with_the_evidence(official: OfficialFiles) -> None:
    aliases = official_aliases(official)
    weight: dict[tuple[str, str | None], float] = {}
    for a in aliases:
        if a.source.startswith("onet"):
            key = (a.text, a.soc2018)
            weight[key] = max(weight.get(key, 0.0), a.weight)  # the SOC's primary group
    # Listed by one source only (SOC, "08"): the base weight.
    assert weight["Farm Worker", "45-2092"] == 1.0
    # The occupation's own title, and a title employers report (sample of reported titles).
    assert weight["Farmworkers and Laborers, Crop, Nursery, and Greenhouse", "45-2092"] >= 2
    assert weight["Nursery Worker", "45-2092"] > 1.0
    # An alternate title listed by several sources ("02,04,10") outweighs a single-source one.
    assert weight["Ranch Hand", "45-2093"] > weight["Farm Worker", "45-2092"]
    plain = official_aliases(official, evidence=False)
    assert {a.weight for a in plain if a.source.startswith("onet")} <= {1.0, 0.85}
    assert len(plain) == len(aliases)
    # The source keeps the first kind listing the title: O*NET 27's reported titles are
    # all alternate titles too, so they stay "onet-alternate" (as before), with the bonus.
    nursery = [a for a in aliases if a.text == "Nursery Worker" and a.soc2018 == "45-2092"]
    assert nursery and {a.source for a in nursery} == {"onet-alternate"}


@needs_shared
def test_crosswalk_and_records(official: OfficialFiles) -> None:
    xw = official_crosswalk(official)
    assert xw["9211"]["soc2018"][0] == "45-2092"
    assert "85101" in xw["9211"]["noc2021"]
    assert xw["9212"]["soc2018"][0] == "45-2093"
    records = {r.isco08: r for r in official_records(official)}
    assert len(records) == 436
    assert records["9211"].titles["es"] == "Peones de explotaciones agrícolas"


@needs_shared
def test_resolver_over_official_files(tmp_path: Path) -> None:
    resolver = build_resolver(FIXTURE, SHARED)
    best = resolver.resolve("Farmworkers and Laborers, Crop", lang="en")[0]
    assert best.isco08 == "9211" and best.soc2018[0] == "45-2092"
    assert resolver.resolve("Range Sheepherder")[0].soc2018[0] == "45-2093"
    assert resolver.resolve("recolector de fresas", lang="es")[0].isco08 == "9211"
    assert [c.isco08 for c in resolver.by_code("onet", "45-2092.02")][0] == "9211"


# --------------------------------------------------------------------------- project loader


def test_load_project_occupations_from_fixture() -> None:
    records, aliases = load_project_occupations(FIXTURE)
    by_code = {r.isco08: r for r in records}
    assert set(by_code) == {"9211", "9212", "8322"}  # unit groups only
    assert by_code["9211"].soc2018 == ("45-2092", "45-2099")  # exact before broader
    assert by_code["9211"].noc2021 == ("85101",)
    assert by_code["9211"].sinco2019 == ("9111",)
    assert by_code["9211"].titles["fr"] == "Manœuvres de l’agriculture"
    curated = [a for a in aliases if a.text == "cortador de café"]
    assert curated and curated[0].lang == "es" and curated[0].weight > 1.0
    assert len(without_sources(aliases, "project:official:ESCO")) == len(aliases) - 1


def test_load_project_occupations_accepts_the_data_dir(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE, tmp_path / "occupations")
    records, _ = load_project_occupations(tmp_path)
    assert len(records) == 3
    with pytest.raises(FileNotFoundError):
        load_project_occupations(tmp_path / "missing")


def test_build_resolver_from_project_data_only() -> None:
    resolver = build_resolver(FIXTURE)
    assert resolver.resolve("CAFÉ, CORTADOR DE", lang="es")[0].isco08 == "9211"
    assert resolver.resolve("taxistas", lang="es")[0].isco08 == "8322"
    best = resolver.resolve("vaquero", lang="fr")[0].to_dict("fr")
    assert best["isco08"] == "9212" and best["title"] == "Manœuvres de l’élevage"
    assert best["noc2021"] == ["85100"]
