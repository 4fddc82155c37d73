"""Title → ISCO-08 resolver: tolerance, language hint, scores, hierarchy similarity."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matching.occupations as occupations
from matching.occupations import (
    Alias,
    Candidate,
    OccupationRecord,
    OccupationResolver,
    isco_similarity,
    normalise_title,
    resolve,
)

RECORDS = [
    OccupationRecord(
        "9211",
        {
            "en": "Crop farm labourers",
            "es": "Peones de explotaciones agrícolas",
            "fr": "Manœuvres de l’agriculture",
        },
        soc2018=("45-2092", "45-2099"),
        noc2021=("85101",),
        sinco2019=("9111",),
    ),
    OccupationRecord(
        "9212",
        {"en": "Livestock farm labourers", "es": "Peones de explotaciones ganaderas"},
        soc2018=("45-2093",),
        noc2021=("85100",),
    ),
    OccupationRecord(
        "8341",
        {"en": "Mobile farm and forestry plant operators"},
        soc2018=("45-2091",),
    ),
    OccupationRecord("8322", {"en": "Car, taxi and van drivers"}, soc2018=("53-3054",)),
    OccupationRecord("5120", {"en": "Cooks", "es": "Cocineros", "fr": "Cuisiniers"}),
    OccupationRecord("7115", {"en": "Carpenters and joiners", "es": "Carpinteros"}),
]
ALIASES = [
    Alias("cortador de café", "9211", "es", source="curated"),
    Alias("trabajador agrícola", "9211", "es", source="curated"),
    Alias("jornalero agrícola", "9211", "es"),
    Alias("Farm Worker", "9211", "en", soc2018="45-2092"),
    Alias("Farmworker", "9211", "en", soc2018="45-2092"),
    Alias("Farm Laborer", "9211", "en", soc2018="45-2092"),
    Alias("Crop Picker", "9211", "en", soc2018="45-2092"),
    Alias("ouvrier agricole", "9211", "fr"),
    Alias("Ranch Hand", "9212", "en", soc2018="45-2093"),
    Alias("Sheepherder", "9212", "en", soc2018="45-2093"),
    Alias("vaquero", "9212", "es"),
    Alias("Tractor Operator", "8341", "en", soc2018="45-2091"),
    Alias("Agricultural Equipment Operator", "8341", "en", soc2018="45-2091"),
    Alias("Taxi Driver", "8322", "en", soc2018="53-3054"),
    Alias("chofer", "8322", "es"),
    Alias("cocinero", "5120", "es"),
    Alias("Line Cook", "5120", "en"),
    Alias("carpintero", "7115", "es"),
    Alias("Carpenter", "7115", "en"),
    Alias("Unknown group alias", "0000", "en"),  # ignored: no record
]


@pytest.fixture(scope="module")
def resolver() -> OccupationResolver:
    return OccupationResolver(RECORDS, ALIASES)


def top(resolver: OccupationResolver, title: str, lang: str | None = None) -> str:
    candidates = resolver.resolve(title, lang=lang)
    assert candidates, f"no candidate for {title!r}"
    return candidates[0].isco08


@pytest.mark.parametrize(
    "title",
    [
        "cortador de cafe",
        "CAFÉ, CORTADOR DE",
        "Cortadores de Café",
        "cortadora de café",
        "trabajador agricola",
        "TRABAJADORES AGRÍCOLAS",
        "trabajdor agricla",  # typos
        "farm worker/laborer",
        "Farmworker, General",
        "Farm Workers",
        "farm wroker",
        "Farmworker - General Farm Labor",
        "Farm Worker (Seasonal)",
        "H-2A Farmworker",
        "Farm Worker II",
        "Farmworker 45-2092.00",
        "ouvrière agricole",
    ],
)
def test_tolerant_matching_finds_crop_labourers(resolver: OccupationResolver, title: str) -> None:
    assert top(resolver, title) == "9211"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("ranch hand", "9212"),
        ("sheep herder", "9212"),
        ("Ag Equipment Operator", "8341"),
        ("tractor operator", "8341"),
        ("taxi driver", "8322"),
        ("cocineros", "5120"),
        ("line cook", "5120"),
        ("carpintero", "7115"),
    ],
)
def test_distinguishes_occupations(resolver: OccupationResolver, title: str, expected: str) -> None:
    assert top(resolver, title) == expected


def test_exact_alias_scores_high_and_candidates_sorted(resolver: OccupationResolver) -> None:
    candidates = resolver.resolve("Farm Worker", limit=10)
    assert candidates[0].score >= 0.95
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len({c.isco08 for c in candidates}) == len(candidates)


def test_limit_is_respected(resolver: OccupationResolver) -> None:
    assert len(resolver.resolve("farm", limit=2)) <= 2
    assert resolver.resolve("farm worker", limit=0) == []


@pytest.mark.parametrize("title", ["", "   ", "---", "(seasonal)", "H-2A", "12345", "#"])
def test_empty_or_noise_only_titles_give_no_candidates(
    resolver: OccupationResolver, title: str
) -> None:
    assert resolver.resolve(title) == []


def test_language_hint_gives_title_in_that_language(resolver: OccupationResolver) -> None:
    best = resolver.resolve("trabajador agrícola", lang="es")[0]
    assert best.title == "Peones de explotaciones agrícolas"
    assert best.to_dict("fr")["title"] == "Manœuvres de l’agriculture"
    # Unknown language: English title.
    assert resolver.resolve("trabajador agrícola", lang="quc")[0].title == "Crop farm labourers"


def test_language_hint_boosts_but_does_not_exclude() -> None:
    records = [
        OccupationRecord("1111", {"en": "Group A"}),
        OccupationRecord("2222", {"en": "Group B"}),
    ]
    aliases = [Alias("operador", "1111", "es"), Alias("operador", "2222", "pt")]
    r = OccupationResolver(records, aliases)
    assert top(r, "operador", lang="es") == "1111"
    assert top(r, "operador", lang="pt") == "2222"
    # An English query still finds a Spanish-only alias when hinted "en".
    assert top(r, "operador", lang="en") in {"1111", "2222"}


def test_weights_let_curated_titles_outrank_bulk_titles() -> None:
    records = [
        OccupationRecord("9211", {"en": "Crop farm labourers"}),
        OccupationRecord("6111", {"en": "Field crop and vegetable growers"}),
    ]
    aliases = [Alias("picker", "6111", "en", weight=0.8), Alias("picker", "9211", "en", 1.5)]
    assert top(OccupationResolver(records, aliases), "picker") == "9211"


def test_winning_alias_soc_comes_first(resolver: OccupationResolver) -> None:
    best = resolver.resolve("farmworker")[0]
    assert best.soc2018[0] == "45-2092"
    assert set(best.soc2018) == {"45-2092", "45-2099"}


def test_candidate_dict_has_the_api_shape(resolver: OccupationResolver) -> None:
    data = resolver.resolve("farm worker", lang="es")[0].to_dict("es")
    assert set(data) == {"isco08", "title", "soc2018", "noc2021", "sinco2019", "score"}
    assert data["isco08"] == "9211"
    assert data["noc2021"] == ["85101"] and data["sinco2019"] == ["9111"]
    assert isinstance(data["soc2018"], list) and isinstance(data["score"], float)


def test_resolve_many_agrees_with_resolve(resolver: OccupationResolver) -> None:
    titles = ["farm worker", "", "taxi driver", "cocinero", "xyzzy", "ranch hand"]
    batch = resolver.resolve_many(titles, limit=3)
    assert len(batch) == len(titles)
    for title, got in zip(titles, batch, strict=True):
        assert [c.isco08 for c in got] == [c.isco08 for c in resolver.resolve(title, limit=3)]


def test_cache_returns_equal_results() -> None:
    cached = OccupationResolver(RECORDS, ALIASES, cache_size=16)
    uncached = OccupationResolver(RECORDS, ALIASES, cache_size=0)
    for _ in range(2):
        assert cached.resolve("farm worker") == uncached.resolve("farm worker")
    cached.cache_clear()


def test_record_and_by_code(resolver: OccupationResolver) -> None:
    rec = resolver.record("9211")
    assert rec is not None and rec.titles["en"] == "Crop farm labourers"
    assert resolver.record("0000") is None
    assert [c.isco08 for c in resolver.by_code("soc2018", "45-2093")] == ["9212"]
    assert [c.isco08 for c in resolver.by_code("O*NET-SOC", "45-2092.02")] == ["9211"]
    assert resolver.by_code("SOC 2018", "45-2099")[0].soc2018[0] == "45-2099"
    assert [c.isco08 for c in resolver.by_code("NOC 2021", "85101")] == ["9211"]
    assert [c.isco08 for c in resolver.by_code("sinco2019", "9111")] == ["9211"]
    assert resolver.by_code("noc2021", "99999") == []
    assert all(c.score == 1.0 for c in resolver.by_code("soc2018", "45-2092"))


def test_prefer_hint_breaks_near_ties_and_is_backward_compatible() -> None:
    records = [
        OccupationRecord("9211", {"en": "Crop farm labourers"}, soc2018=("45-2092",)),
        OccupationRecord("2632", {"en": "Sociologists"}, soc2018=("19-3041",)),
        OccupationRecord("8322", {"en": "Car, taxi and van drivers"}, soc2018=("53-3054",)),
    ]
    aliases = [
        Alias("Field Worker", "9211", "en", soc2018="45-2092"),
        Alias("Field Worker", "2632", "en", 1.2, soc2018="19-3041"),
        Alias("Taxi Driver", "8322", "en", soc2018="53-3054"),
    ]
    r = OccupationResolver(records, aliases)
    assert r.resolve("field worker")[0].isco08 == "2632"
    assert r.resolve("field worker", prefer=None) == r.resolve("field worker")
    assert r.resolve("field worker", prefer={}) == r.resolve("field worker")
    for prefer in ({"45-": 1.1}, {"45-2092": 1.1}, {"92": 1.1}, {"19-": 0.8}):
        assert r.resolve("field worker", prefer=prefer)[0].isco08 == "9211", prefer
        batch = r.resolve_many(["field worker"], prefer=prefer, limit=2)[0]
        assert batch == r.resolve("field worker", prefer=prefer, limit=2)
    # A hint never beats a clearly better match elsewhere, and scores stay in [0, 1].
    got = r.resolve("taxi driver", prefer={"45-": 1.1})
    assert got[0].isco08 == "8322" and all(0.0 <= c.score <= 1.0 for c in got)
    boosted = r.resolve("field worker", prefer={"45-": 5.0})
    assert all(0.0 <= c.score <= 1.0 for c in boosted)
    cached = OccupationResolver(records, aliases, cache_size=16)
    assert cached.resolve("field worker", prefer={"45-": 1.1})[0].isco08 == "9211"
    assert cached.resolve("field worker")[0].isco08 == "2632"  # hint is part of the key


def test_soc_of_a_soc_less_winning_alias_comes_from_the_group_vocabulary() -> None:
    records = [
        OccupationRecord(
            "9213",
            {"en": "Mixed crop and livestock farm labourers"},
            soc2018=("45-2092", "45-2093"),
        ),
    ]
    aliases = [
        Alias("farm hands", "9213", "en", 1.0, "esco"),
        Alias("Ranch Hand", "9213", "en", soc2018="45-2093"),
        Alias("Crop Picker", "9213", "en", soc2018="45-2092"),
    ]
    r = OccupationResolver(records, aliases)
    best = r.resolve("Farm Hand")[0]
    assert best.matched == "farm hands" and best.soc2018[0] == "45-2093"
    assert r.resolve("Mixed crop and livestock farm labourers")[0].soc2018[0] in {
        "45-2092",
        "45-2093",
    }


def test_equal_scores_go_to_the_soc_with_more_vocabulary() -> None:
    records = [
        OccupationRecord("9215", {"en": "Forestry labourers"}, soc2018=("45-4011",)),
        OccupationRecord("9212", {"en": "Livestock farm labourers"}, soc2018=("45-2099",)),
    ]
    aliases = [
        Alias("Forestry Worker", "9212", "en", soc2018="45-2099"),
        Alias("Forestry Worker", "9215", "en", soc2018="45-4011"),
        Alias("Tree Planter", "9215", "en", soc2018="45-4011"),
        Alias("Brush Clearer", "9215", "en", soc2018="45-4011"),
    ]
    for order in (aliases, aliases[::-1]):
        assert OccupationResolver(records, order).resolve("forestry worker")[0].isco08 == "9215"


def test_glued_words_and_generic_leads_are_understood() -> None:
    records = [
        OccupationRecord("9212", {"en": "Livestock farm labourers"}, soc2018=("45-2093",)),
        OccupationRecord("1431", {"en": "Sports centre managers"}, soc2018=("11-9199",)),
        OccupationRecord("4110", {"en": "General office clerks"}, soc2018=("43-9061",)),
    ]
    aliases = [
        Alias("Ranch Hand", "9212", "en", soc2018="45-2093"),
        Alias("Ranch Worker", "9212", "en", soc2018="45-2093"),
        Alias("Winter Sports Manager", "1431", "en", soc2018="11-9199"),
        Alias("General Clerk", "4110", "en", soc2018="43-9061"),
        Alias("General Office Worker", "4110", "en", soc2018="43-9061"),
    ]
    r = OccupationResolver(records, aliases)
    assert r.resolve("Winter Ranchhand")[0].isco08 == "9212"
    assert r.resolve("General Ranch Worker")[0].isco08 == "9212"
    assert r.resolve("General Office Worker")[0].isco08 == "4110"


def test_module_level_resolve(resolver: OccupationResolver) -> None:
    assert resolve(resolver, "farm worker", limit=1)[0].isco08 == "9211"


def test_empty_resolver() -> None:
    r = OccupationResolver([], [])
    assert r.resolve("farm worker") == []
    assert r.resolve_many(["a", "b"]) == [[], []]


def test_normalise_title() -> None:
    assert normalise_title("CAFÉ, CORTADOR DE") == "cafe cortador"
    assert normalise_title("Farm Worker (Seasonal) H-2A II #123") == "farm worker"
    assert normalise_title("") == ""


def test_isco_similarity_levels() -> None:
    assert isco_similarity("9211", "9211") == 1.0
    assert isco_similarity("9211", "9212") == 0.75
    assert isco_similarity("9211", "9221") == 0.5
    assert isco_similarity("9211", "9311") == 0.25
    assert isco_similarity("9211", "6111") == 0.0
    assert isco_similarity("", "9211") == 0.0
    assert isco_similarity("92", "9211") == 0.5
    values = [isco_similarity("9211", b) for b in ("9211", "9212", "9221", "9311", "6111")]
    assert values == sorted(values, reverse=True) and len(set(values)) == 5


@given(st.text(max_size=2), st.text(max_size=2))
def test_isco_similarity_symmetric_and_bounded(a: str, b: str) -> None:
    assert isco_similarity(a, b) == isco_similarity(b, a)
    assert 0.0 <= isco_similarity(a, b) <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from([None, "en", "es", "fr", "xx"]))
def test_arbitrary_text_never_raises_and_scores_are_bounded(title: str, lang: str | None) -> None:
    r = _SHARED
    candidates = r.resolve(title, lang=lang, limit=5)
    assert len(candidates) <= 5
    assert all(isinstance(c, Candidate) and 0.0 <= c.score <= 1.0 for c in candidates)
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)


_SHARED = OccupationResolver(RECORDS, ALIASES, cache_size=0)


def test_two_activities_crop_and_animal_give_mixed_farming() -> None:
    records = [
        OccupationRecord("9211", {"es": "Peones agrícolas"}),
        OccupationRecord("9212", {"es": "Peones ganaderos"}),
        OccupationRecord("9213", {"es": "Peones de explotaciones mixtas"}),
        OccupationRecord("6123", {"es": "Apicultores"}),
        OccupationRecord("5120", {"es": "Cocineros"}),
        OccupationRecord("9412", {"es": "Ayudantes de cocina"}),
    ]
    aliases = [
        Alias("trabajador de milpa", "9211", "es"),
        Alias("cuidador de ganado", "9212", "es"),
        Alias("trabajo en la granja de abejas", "6123", "es"),
        Alias("cocinero", "5120", "es"),
        Alias("lavaplatos", "9412", "es"),
    ]
    r = OccupationResolver(records, aliases, cache_size=0)
    assert r.resolve("trabajo en la milpa y con ganado", lang="es")[0].isco08 == "9213"
    assert r.resolve("milpa & ganado")[0].isco08 == "9213"
    # Two activities that are not crops and animals stay what they are.
    assert r.resolve("cocinero y lavaplatos", lang="es")[0].isco08 in {"5120", "9412"}
    # One activity is not mixed farming.
    assert r.resolve("trabajo con ganado", lang="es")[0].isco08 == "9212"
    assert [c.isco08 for c in r.resolve_many(["milpa y ganado"])[0]] == ["9213"]


def test_a_title_shared_by_two_groups_goes_to_the_group_that_spells_it_more_ways() -> None:
    # ESCO files "cocinero" under chefs (3434) and cooks (5120); cooks' ISCO title is
    # "Cocineros" too, so cooks have more of that spelling.
    records = [
        OccupationRecord("3434", {"es": "Chefs"}),
        OccupationRecord("5120", {"es": "Cocineros"}),
    ]
    aliases = [Alias("cocinero", "3434", "es"), Alias("cocinero", "5120", "es")]
    r = OccupationResolver(records, aliases, cache_size=0)
    first, second = r.resolve("cocinero", lang="es")[:2]
    assert (first.isco08, second.isco08) == ("5120", "3434")
    assert first.score == second.score


def test_docstring_examples_run() -> None:
    import matching.certified_titles
    import matching.occupation_mixed

    for module in (occupations, matching.occupation_mixed, matching.certified_titles):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_library_stays_pure() -> None:
    import ast
    import inspect

    import matching.certified_titles
    import matching.occupation_mixed
    import matching.occupation_records
    import matching.occupation_text
    import matching.title_vectors

    allowed = {"__future__", "math", "re", "unicodedata", "collections", "dataclasses"}
    allowed |= {"functools", "types", "typing", "numpy", "scipy", "rapidfuzz", "sklearn"}
    allowed |= {"matching"}  # the resolver is split over these modules, which import one another
    modules = [
        occupations,
        matching.occupation_records,
        matching.occupation_text,
        matching.title_vectors,
        matching.occupation_mixed,
        matching.certified_titles,
    ]
    for module in modules:
        tree = ast.parse(inspect.getsource(module))
        imported = {
            (n.module or "").split(".")[0]
            if isinstance(n, ast.ImportFrom)
            else a.name.split(".")[0]
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        }
        assert imported <= allowed, (module.__name__, imported - allowed)
