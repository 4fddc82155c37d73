"""matching.duplicates: one person registered twice, as an officer reviewing the pairs sees it.

Also home of the synthetic register (:func:`make_register`) that
``tests/benchmarks/bench_duplicates.py`` times at 200,000 people, so that the recall and
precision asserted here and those measured there come from the same noise model.
"""

from __future__ import annotations

import ast
import doctest
import random
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from itertools import accumulate, combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import duplicates
from matching.duplicates import (
    DEFAULT_THRESHOLD,
    NICKNAMES,
    SIGNAL_TEXT,
    ApplicantRecord,
    DuplicateCandidate,
    DuplicateIndex,
    describe_signal,
    find_duplicates,
    find_duplicates_of,
)

R = ApplicantRecord
BORN = date(1990, 3, 4)
JOSE = R(1, "José Luis Pérez García", BORN, "GT", "GT-QZ", sex="M")


def pair(a: ApplicantRecord, b: ApplicantRecord, threshold: float = 0.0) -> DuplicateCandidate:
    found = find_duplicates([a, b], threshold=threshold)
    assert len(found) == 1, found
    return found[0]


def variant(name: str, **changes: object) -> ApplicantRecord:
    return replace(JOSE, key=2, name=name, **changes)  # type: ignore[arg-type]


def flagged(a: ApplicantRecord, b: ApplicantRecord) -> bool:
    return bool(find_duplicates([a, b]))


# ---------------------------------------------------------------------------------------------
# The library stays pure and documented


def test_module_imports_only_stdlib_numpy_scipy_rapidfuzz() -> None:
    tree = ast.parse(Path(duplicates.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    allowed = set(sys.stdlib_module_names) | {"__future__", "numpy", "scipy", "rapidfuzz"}
    assert imported <= allowed, imported


def test_docstring_examples_run() -> None:
    result = doctest.testmod(duplicates)
    assert result.failed == 0 and result.attempted > 15


def test_every_signal_reads_in_spanish_english_and_french() -> None:
    for kind, texts in SIGNAL_TEXT.items():
        assert set(texts) == {"es", "en", "fr"}, kind
        assert len(set(texts.values())) == 3, kind
    with pytest.raises(ValueError, match="es, en, fr"):
        describe_signal("same_birth_date", "de")


# ---------------------------------------------------------------------------------------------
# Each variant an officer meets is flagged, with the evidence that says why


@pytest.mark.parametrize(
    ("name", "signals"),
    [
        ("Jose Luis Garcia Perez", {"name_tokens_match", "surnames_swapped"}),
        ("JOSÉ LUIS PÉREZ GARCÍA", {"same_name"}),
        ("Pérez García, José Luis", {"same_name"}),
        ("José Pérez", {"missing_name_part:Luis", "missing_name_part:García"}),
        ("José Luis Pérez", {"missing_name_part:García"}),
        ("José L. Pérez García", {"initial:L.=Luis"}),
        ("J. L. Pérez García", {"initial:J.=José", "initial:L.=Luis"}),
        ("Chepe Pérez García", {"nickname:Chepe=José", "missing_name_part:Luis"}),
        ("Pepe Luis Pérez García", {"nickname:Pepe=José"}),
        ("José Luis Perez Gracia", {"typo:García=Gracia"}),
        ("José Luiz Pérez Garcia", {"spelling:Luis=Luiz"}),
        ("José Lusi Pérex García", {"typo:Luis=Lusi", "typo:Pérez=Pérex"}),
        ("José Luis García", {"missing_name_part:Pérez"}),
    ],
)
def test_name_variants_of_one_person_are_flagged_with_their_evidence(
    name: str, signals: set[str]
) -> None:
    found = find_duplicates([JOSE, variant(name)])
    assert len(found) == 1, f"{name!r} was not flagged"
    c = found[0]
    assert (c.a, c.b) == (1, 2)
    assert {"same_birth_date", "same_subdivision"} <= set(c.evidence)
    assert signals <= set(c.evidence), c.evidence


@pytest.mark.parametrize(
    ("full", "familiar"),
    [
        ("Francisco", "Pancho"),
        ("Francisco", "Paco"),
        ("Guadalupe", "Lupe"),
        ("Antonio", "Toño"),
        ("Guillermo", "Memo"),
        ("Ignacio", "Nacho"),
        ("Jesús", "Chus"),
        ("Lorenzo", "Lencho"),
        ("Alberto", "Beto"),
        ("Roberto", "Beto"),
        ("Enrique", "Quique"),
        ("Fernando", "Nando"),
        ("Teresa", "Tere"),
        ("Rosario", "Chayo"),
        ("Mercedes", "Meche"),
        ("Dolores", "Lola"),
        ("Concepción", "Concha"),
    ],
)
def test_familiar_forms_stand_for_the_full_name(full: str, familiar: str) -> None:
    a = R(1, f"{full} Ramírez Cruz", BORN, "HN", "HN-CR")
    b = R(2, f"{familiar} Ramírez Cruz", BORN, "HN", "HN-CR")
    c = pair(a, b)
    assert c.score >= DEFAULT_THRESHOLD
    assert f"nickname:{familiar}={full}" in c.evidence
    assert familiar in NICKNAMES


def test_two_word_familiar_forms() -> None:
    chema = pair(R(1, "José María Coj", BORN, "GT"), R(2, "Chema Coj", BORN, "GT"))
    assert "nickname:Chema=José María" in chema.evidence
    assert chema.score >= DEFAULT_THRESHOLD
    maru = pair(R(1, "María Eugenia Paz", BORN, "SV"), R(2, "Maru Paz", BORN, "SV"))
    assert "nickname:Maru=María Eugenia" in maru.evidence
    abbreviated = pair(R(1, "María Teresa Paz", BORN, "SV"), R(2, "Ma. Teresa Paz", BORN, "SV"))
    assert "abbreviation:Ma=María" in abbreviated.evidence


def test_the_officer_reads_the_evidence_in_their_language() -> None:
    c = pair(JOSE, variant("Jose Luis Garcia Perez"))
    assert c.describe("es") == (
        "Misma fecha de nacimiento; mismo departamento; nombres y apellidos iguales en otro "
        "orden; apellidos en orden inverso."
    )
    assert c.describe("en").startswith("Same date of birth; same department;")
    assert c.describe("fr").startswith("Même date de naissance ; même département ;")
    chepe = pair(JOSE, variant("Chepe Pérez García"))
    assert "«Chepe» es forma familiar de «José»" in chepe.describe()


def test_a_swapped_day_and_month_is_caught() -> None:
    c = pair(JOSE, variant("JOSE LUIS PEREZ GARCIA", birth_date=date(1990, 4, 3)))
    assert "birth_day_month_swapped" in c.evidence
    assert c.score >= DEFAULT_THRESHOLD
    # Day 13 and later cannot be a month: no such block, so nothing to compare.
    late = replace(JOSE, birth_date=date(1990, 3, 14))
    assert (
        find_duplicates([late, variant("José Luis Pérez García", birth_date=date(1990, 3, 15))])
        == []
    )


def test_the_same_document_number_alone_flags() -> None:
    a = R(1, "Ana Lucía Xicará", date(1999, 1, 20), "GT", "GT-TO", document="2541 78563 0101")
    b = R(2, "Wendy Ramos", date(2001, 7, 9), "GT", "GT-SO", document="2541785630101")
    c = pair(a, b, threshold=DEFAULT_THRESHOLD)
    assert c.evidence[0] == "same_document"
    assert "different_birth_date" in c.evidence and "different_subdivision" in c.evidence


def test_a_document_one_digit_apart_supports_a_pair_a_different_one_weighs_against() -> None:
    a = replace(JOSE, document="1234567890101")
    near = pair(a, variant("José Luis Pérez García", document="1234567890107"))
    far = pair(a, variant("José Luis Pérez García", document="9876543210101"))
    assert "similar_document" in near.evidence and "different_document" in far.evidence
    assert near.score > pair(JOSE, variant("José Luis Pérez García")).score
    assert far.score < DEFAULT_THRESHOLD


def test_different_sex_is_strong_evidence_against() -> None:
    c = pair(JOSE, variant("José Luis Pérez García", sex="F"))
    assert "different_sex" in c.evidence
    assert c.score < DEFAULT_THRESHOLD
    # "X" is not a contradiction of F or M.
    assert "different_sex" not in pair(JOSE, variant("José Luis Pérez García", sex="X")).evidence


# ---------------------------------------------------------------------------------------------
# Two people who share a common name are not one


def test_namesakes_born_on_different_days_are_not_compared() -> None:
    a = R(1, "María López", date(1992, 5, 17), "GT", "GT-QZ", sex="F")
    b = R(2, "María López", date(1994, 8, 30), "GT", "GT-QZ", sex="F")
    assert find_duplicates([a, b], threshold=0.0) == []


def test_namesakes_in_different_departments_score_below_the_threshold() -> None:
    a = R(1, "María López", BORN, "GT", "GT-QZ", sex="F")
    elsewhere = R(2, "María López", BORN, "GT", "GT-PE", sex="F")
    here = R(3, "María López", BORN, "GT", "GT-QZ", sex="F")
    assert not flagged(a, elsewhere)
    assert pair(a, elsewhere).score < pair(a, here).score
    assert "different_subdivision" in pair(a, elsewhere).evidence


def test_twins_with_other_given_names_are_not_flagged() -> None:
    for twin in ("Juan Carlos Pérez García", "José Antonio Pérez García", "Juan Pérez García"):
        c = pair(JOSE, variant(twin))
        assert c.score < DEFAULT_THRESHOLD, (twin, c)
        assert any(s.startswith("names_differ:") for s in c.evidence)


def test_common_spellings_are_two_names_not_a_typo() -> None:
    # In a register full of Marios and Marías they are two names, not one mistyped.
    people = [
        R(i, n, date(1980 + i, 1, 15), "SV", sex=None)
        for i, n in enumerate(["Mario Rivas", "María Rivas"] * 5)
    ]
    mario = R(100, "Mario Alas", BORN, "SV", "SV-SA")
    maria = R(101, "María Alas", BORN, "SV", "SV-SA")
    assert not find_duplicates([*people, mario, maria])
    assert find_duplicates([mario, maria])  # alone, one letter apart may be a typo


def test_no_pair_across_nationalities_unless_document_or_phone_matches() -> None:
    gt = R(1, "Santos Reyes", BORN, "GT", phone="+502 5555-1234")
    hn = R(2, "Santos Reyes", BORN, "HN", phone="3312-9876")
    assert find_duplicates([gt, hn], threshold=0.0) == []
    same_phone = replace(hn, phone="(502) 5555 1234")
    c = pair(gt, same_phone)
    assert {"same_phone", "different_nationality"} <= set(c.evidence)


def test_a_placeholder_document_or_office_phone_is_no_evidence() -> None:
    office = [
        R(i, f"Persona {i}", date(1970 + i, 2, 20), "HN", phone="2232-0000", document="N/A")
        for i in range(10)
    ]
    assert find_duplicates(office, threshold=0.0) == []


# ---------------------------------------------------------------------------------------------
# Registering one person against the register


def test_one_registration_is_checked_against_the_index() -> None:
    index = DuplicateIndex.build([JOSE, R(5, "Rosa Paz", BORN, "GT", "GT-QZ", sex="F")])
    new = R(9, "Chepe Perez", BORN, "GT", "GT-QZ", sex="M")
    found = find_duplicates_of(new, index)
    assert [(c.a, c.b) for c in found] == [(1, 9)]
    assert len(index) == 2  # checking does not register
    index.add(new)
    assert find_duplicates_of(replace(new, key=10), index)[0].b == 10


def test_registering_one_by_one_finds_what_the_whole_register_finds() -> None:
    records, _ = make_register(600, duplicate_share=0.1, seed=7)
    whole = {(c.a, c.b, c.score, c.evidence) for c in find_duplicates(records)}
    index = DuplicateIndex()
    one_by_one = set()
    for r in records:
        one_by_one |= {(c.a, c.b, c.score, c.evidence) for c in find_duplicates_of(r, index)}
        index.add(r)
    # Token and document counts seen by an early record are those of a smaller register, so a
    # rare pair may differ; nearly all must agree.
    assert len(whole ^ one_by_one) <= max(2, len(whole) // 50), whole ^ one_by_one
    last = records[-1]
    everyone_else = DuplicateIndex.build(records[:-1])
    assert {(c.a, c.b, c.score) for c in find_duplicates_of(last, everyone_else)} == {
        (c.a, c.b, c.score) for c in find_duplicates(records) if last.key in (c.a, c.b)
    }


def test_a_crowded_birth_date_still_finds_the_duplicate() -> None:
    # A placeholder date (2 January 1970) crowds its block; pairs in it must share a name part.
    placeholder = date(1970, 1, 2)
    crowd = [
        R(i, f"{GIVEN_M[i % 64]} {SURNAMES[i % 71]} {SURNAMES[i % 53]}", placeholder, "GT")
        for i in range(duplicates.LARGE_BLOCK * 3)
    ]
    target = crowd[10]
    again = replace(target, key=10_000, name=target.name.upper())
    swapped = replace(target, key=10_001, birth_date=date(1970, 2, 1))  # its own small block
    stranger = R(10_002, "Zoila Quiñónez", date(1970, 2, 1), "GT")
    register = [*crowd, again, swapped, stranger]
    found = find_duplicates(register)
    assert {(10, 10_000), (10, 10_001), (10_000, 10_001)} <= {(c.a, c.b) for c in found}
    index = DuplicateIndex.build(crowd)
    assert [(c.a, c.b) for c in find_duplicates_of(again, index)][:1] == [(10, 10_000)]
    # The whole register and one record against the others agree, crowd or not.
    everything = find_duplicates(register, threshold=0.0)
    for at in (10, len(crowd) - 1, len(crowd), len(crowd) + 1, len(crowd) + 2):
        r = register[at]
        others = DuplicateIndex.build(register[:at] + register[at + 1 :])
        assert find_duplicates_of(r, others, threshold=0.0) == [
            c for c in everything if r.key in (c.a, c.b)
        ]


# ---------------------------------------------------------------------------------------------
# Invariants

NAME_PARTS = ["José", "Jose", "Luis", "L.", "Pérez", "Perez", "García", "Chepe", "María", "Ana"]
records_strategy = st.lists(
    st.builds(
        R,
        key=st.integers(0, 40),
        name=st.lists(st.sampled_from(NAME_PARTS), min_size=0, max_size=4).map(" ".join),
        birth_date=st.one_of(st.none(), st.dates(date(1990, 1, 1), date(1990, 2, 28))),
        nationality=st.sampled_from(["GT", "SV"]),
        subdivision=st.sampled_from([None, "GT-QZ", "SV-SA"]),
        document=st.sampled_from([None, "12345", "12346", "99999"]),
        phone=st.sampled_from([None, "55551234", "55559999"]),
        sex=st.sampled_from([None, "F", "M", "X"]),
    ),
    max_size=14,
    unique_by=lambda r: r.key,
)


@settings(max_examples=120, deadline=None)
@given(records_strategy)
def test_pairs_are_well_formed_symmetric_and_deterministic(records: list[ApplicantRecord]) -> None:
    found = find_duplicates(records, threshold=0.0)
    keys = [(c.a, c.b) for c in found]
    assert len(keys) == len(set(keys))
    for c in found:
        assert c.a < c.b
        assert 0.0 <= c.score <= 1.0 and 0.0 <= c.name_similarity <= 1.0
        assert all(s.partition(":")[0] in SIGNAL_TEXT for s in c.evidence)
        for lang in ("es", "en", "fr"):
            assert c.describe(lang).endswith(".")
    assert find_duplicates(list(reversed(records)), threshold=0.0) == found
    assert find_duplicates(records, threshold=0.0) == found
    assert [c for c in found if c.score >= DEFAULT_THRESHOLD] == find_duplicates(records)


@settings(max_examples=60, deadline=None)
@given(records_strategy)
def test_checking_one_record_against_the_others_agrees_with_the_whole_register(
    records: list[ApplicantRecord],
) -> None:
    whole = find_duplicates(records, threshold=0.0)
    for at, r in enumerate(records):
        others = DuplicateIndex.build(records[:at] + records[at + 1 :])
        assert find_duplicates_of(r, others, threshold=0.0) == [
            c for c in whole if r.key in (c.a, c.b)
        ]


@settings(max_examples=60, deadline=None)
@given(records_strategy)
def test_pairs_across_nationalities_share_a_document_or_phone(
    records: list[ApplicantRecord],
) -> None:
    by_key = {r.key: r for r in records}
    for c in find_duplicates(records, threshold=0.0):
        if by_key[c.a].nationality != by_key[c.b].nationality:
            assert {"same_document", "same_phone"} & set(c.evidence), c
            assert "different_nationality" in c.evidence


# ---------------------------------------------------------------------------------------------
# A synthetic register of GT / SV / HN applicants, some registered twice


def _words(text: str) -> list[str]:
    return text.split()


GIVEN_M = _words(
    "José Juan Luis Carlos Jorge Mario Miguel Francisco Antonio Manuel Pedro Óscar Edwin Marvin "
    "Selvin Kevin Wilmer Erick Byron Elmer Henry Nelson Walter Julio Cristian Jonathan Brayan "
    "Josué Fernando Roberto Alberto Guillermo Ignacio Jesús Lorenzo Enrique Rafael Ramón Santos "
    "Héctor Rigoberto Wilson Marlon Mynor Ervin Denis Alexander Gustavo Ernesto Vicente Eduardo "
    "Gregorio Melvin Douglas Fredy Rony Hugo René Esteban David Daniel Alejandro Sergio Arturo"
)
GIVEN_F = _words(
    "María Ana Rosa Carmen Gloria Sandra Claudia Marta Blanca Reina Glenda Karla Dina Brenda "
    "Sonia Yesenia Lesbia Ingrid Delmy Mirna Guadalupe Teresa Rosario Mercedes Dolores "
    "Concepción Eugenia Isabel Alicia Consuelo Josefa Elena Lucía Patricia Evelyn Jacqueline "
    "Heidy Wendy Xiomara Marleny Iris Lilian Silvia Verónica Fátima Sofía Alejandra Esperanza"
)
SURNAMES = _words(
    "García López Hernández Pérez Martínez González Rodríguez Ramírez Flores Cruz Morales Reyes "
    "Mejía Díaz Castillo Gómez Sánchez Ortiz Rivera Vásquez Aguilar Chávez Méndez Juárez Ramos "
    "Romero Mendoza Alvarado Orellana Portillo Guzmán Velásquez Ajú Xicará Tzul Coj Quiej Chuc "
    "Batz Pop Caal Choc Tut Cux Ixcoy Cac Zelaya Banegas Bonilla Ávila Euceda Matamoros Lainez "
    "Membreño Alas Argueta Escobar Guardado Menjívar Funes Rivas Aguirre Carranza Cárcamo Fuentes "
    "Moreno Solís Palacios Turcios Paz Lemus Villatoro Escalante Zepeda Canales Sosa Maldonado"
)
SUBDIVISIONS = {
    "GT": _words("AV BV CM CQ ES GU HU IZ JA JU PE PR QC QZ RE SA SM SO SR SU TO ZA"),
    "SV": _words("AH CA CH CU LI MO PA SA SM SO SS SV UN US"),
    "HN": _words("AT CH CL CM CP CR EP FM GD IB IN LE LP OC OL SB VA YO"),
}
NATIONALITY_SHARE = (("GT", 0.45), ("HN", 0.30), ("SV", 0.25))
FAMILIAR: dict[str, list[str]] = {}
for _form, _fulls in NICKNAMES.items():
    for _full in _fulls:
        FAMILIAR.setdefault(_full, []).append(_form)
SOUNDS_ALIKE = (("z", "s"), ("s", "z"), ("v", "b"), ("b", "v"), ("ll", "y"), ("y", "ll"))


def _weighted(rng: random.Random, names: list[str]) -> str:
    # Zipf's law, as name frequencies follow: the first name of a list (José, María, García)
    # is about one in five, the tenth one in fifty.
    cumulative = _ZIPF.get(len(names))
    if cumulative is None:
        cumulative = _ZIPF[len(names)] = list(accumulate(1 / (k + 1) for k in range(len(names))))
    return rng.choices(names, cum_weights=cumulative)[0]


_ZIPF: dict[int, list[float]] = {}


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("sdit")
    letter = rng.choice("aeiourslntcmd")
    if op == "s":
        return word[:i] + letter + word[i + 1 :]
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "i":
        return word[:i] + letter + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _person(rng: random.Random, key: int, nationality: str) -> ApplicantRecord:
    sex = "M" if rng.random() < 0.65 else "F"
    given_list = GIVEN_M if sex == "M" else GIVEN_F
    given = [_weighted(rng, given_list)]
    if rng.random() < 0.7:
        given.append(rng.choice(given_list))
    surnames = [_weighted(rng, SURNAMES)] + ([rng.choice(SURNAMES)] if rng.random() < 0.9 else [])
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(42 * 365))
    if rng.random() < 0.015:  # birth dates heaped on 1 January
        born = date(born.year, 1, 1)
    subdivision = f"{nationality}-{rng.choice(SUBDIVISIONS[nationality])}"
    document = None
    if rng.random() < 0.6:
        document = (
            f"{rng.randrange(10**12, 10**13)}"
            if nationality != "SV"
            else (f"{rng.randrange(10**7, 10**8):08d}-{rng.randrange(10)}")
        )
    prefix = {"GT": "502", "SV": "503", "HN": "504"}[nationality]
    phone = (
        f"+{prefix} {rng.randrange(3, 8)}{rng.randrange(10**6, 10**7)}"
        if rng.random() < 0.7
        else None
    )
    return R(
        key,
        " ".join(given + surnames),
        born,
        nationality,
        subdivision if rng.random() < 0.95 else None,
        document,
        phone,
        sex if rng.random() < 0.95 else None,
    )


def _noisy_name(rng: random.Random, name: str) -> str:
    words = name.split()
    surnames = 2 if len(words) >= 3 else 1
    given, family = words[:-surnames], words[-surnames:]
    edits: list[Callable[[], None]] = []

    def swap() -> None:
        family.reverse()

    def drop_surname() -> None:
        del family[-1]

    def initial() -> None:
        given[-1] = given[-1][0] + "."

    def drop_middle() -> None:
        del given[-1]

    def familiar() -> None:
        if given[0] in FAMILIAR:  # not already changed by another edit
            given[0] = rng.choice(FAMILIAR[given[0]])

    def typo() -> None:
        parts = given if rng.random() < 0.4 else family
        at = rng.randrange(len(parts))
        parts[at] = _typo(rng, parts[at])

    def sound() -> None:
        at = rng.randrange(len(family))
        for a, b in rng.sample(SOUNDS_ALIKE, len(SOUNDS_ALIKE)):
            if a in family[at]:
                family[at] = family[at].replace(a, b, 1)
                return

    if len(family) == 2:
        edits += [swap, swap, drop_surname]
    if len(given) == 2:
        edits += [initial, drop_middle]
    if given[0] in FAMILIAR:
        edits += [familiar, familiar]
    edits += [typo, typo, sound]
    for edit in rng.sample(edits, min(len(edits), rng.choice((1, 1, 2)))):
        edit()
    out = " ".join(given + family)
    if rng.random() < 0.5:
        out = _strip_accents(out)
    if rng.random() < 0.2:
        out = out.upper()
    if rng.random() < 0.1:
        out = f"{' '.join(family)}, {' '.join(given)}"
    return out


def _registered_again(rng: random.Random, key: int, r: ApplicantRecord) -> ApplicantRecord:
    born = r.birth_date
    assert born is not None
    if rng.random() < 0.15 and born.day <= 12 and born.day != born.month:
        born = date(born.year, born.day, born.month)
    document = r.document
    roll = rng.random()
    if document and roll < 0.45:
        document = None
    elif document and roll < 0.6:
        document = document[:-1] + str((int(document[-1]) + 1) % 10)
    phone = r.phone
    roll = rng.random()
    if phone and roll < 0.3:
        phone = None
    elif roll < 0.5:
        phone = f"{rng.randrange(3, 8)}{rng.randrange(10**6, 10**7)}"
    return replace(
        r,
        key=key,
        name=_noisy_name(rng, r.name),
        birth_date=born,
        subdivision=r.subdivision if rng.random() < 0.85 else None,
        document=document,
        phone=phone,
        sex=r.sex if rng.random() < 0.9 else None,
    )


def make_register(
    n: int, *, duplicate_share: float, seed: int
) -> tuple[list[ApplicantRecord], dict[int, int]]:
    """``n`` people, ``duplicate_share * n`` of them registered again with realistic noise.

    Also hard negatives: namesakes born the same day in another department (1 %) and twins
    (same birth date, department and surnames, another given name; 0.5 %). Returns the
    records (shuffled) and each record's person id, the truth to score against.
    """
    rng = random.Random(seed)
    nationalities = [c for c, _ in NATIONALITY_SHARE]
    weights = [w for _, w in NATIONALITY_SHARE]
    records = [_person(rng, k, rng.choices(nationalities, weights)[0]) for k in range(n)]
    person = {r.key: r.key for r in records}
    key = n
    placed = [r for r in records[: n // 2] if r.subdivision]
    for r in rng.sample(placed, int(n * 0.01)):  # a namesake born the same day elsewhere
        other = _person(rng, key, r.nationality)
        places = [s for s in SUBDIVISIONS[r.nationality] if f"{r.nationality}-{s}" != r.subdivision]
        records.append(
            replace(
                other,
                name=r.name,
                birth_date=r.birth_date,
                sex=r.sex,
                subdivision=f"{r.nationality}-{rng.choice(places)}",
            )
        )
        person[key], key = key, key + 1
    for r in rng.sample(records[: n // 2], int(n * 0.005)):  # a twin
        given = GIVEN_M if r.sex == "M" else GIVEN_F
        other_given = rng.choice([g for g in given if g not in r.name])
        surnames = r.name.split()[-2:] if len(r.name.split()) >= 3 else r.name.split()[-1:]
        records.append(
            replace(
                _person(rng, key, r.nationality),
                name=" ".join([other_given, *surnames]),
                birth_date=r.birth_date,
                subdivision=r.subdivision,
            )
        )
        person[key], key = key, key + 1
    for r in rng.sample(records[:n], int(n * duplicate_share)):
        records.append(_registered_again(rng, key, r))
        person[key], key = person[r.key], key + 1
    rng.shuffle(records)
    return records, person


def precision_recall(
    records: list[ApplicantRecord], person: dict[int, int], found: list[DuplicateCandidate]
) -> tuple[float, float, int, int]:
    """Precision and recall of ``found`` against the truth; also true and false positives."""
    members: dict[int, list[int]] = {}
    for r in records:
        members.setdefault(person[r.key], []).append(r.key)
    truth = {tuple(sorted(p)) for keys in members.values() for p in combinations(keys, 2)}
    hits = sum((c.a, c.b) in truth for c in found)
    return hits / max(1, len(found)), hits / max(1, len(truth)), hits, len(found) - hits


def test_precision_and_recall_on_a_synthetic_register(capsys: pytest.CaptureFixture[str]) -> None:
    records, person = make_register(2000, duplicate_share=0.05, seed=2024)
    found = find_duplicates(records)
    precision, recall, hits, false = precision_recall(records, person, found)
    with capsys.disabled():
        print(
            f"\n  synthetic register of {len(records)} records: precision {precision:.3f}, "
            f"recall {recall:.3f} ({hits} found, {false} false) at {DEFAULT_THRESHOLD}"
        )
    assert recall >= 0.95
    assert precision >= 0.9
