"""GET /api/v1/occupations/resolve: titles in three languages to ISCO-08 with national codes."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "title,lang,isco",
    [
        ("trabajador agrícola", "es", "9211"),
        ("cortador de cafe", "es", "9211"),
        ("Farmworker", "en", "9211"),
        ("ouvrier agricole", "fr", "9211"),
        ("albañil", "es", "7112"),
        ("Landscape laborer", "en", "9214"),
        ("camarista", "es", "9112"),
    ],
)
def test_resolves_common_titles(client, title, lang, isco) -> None:
    response = client.get(
        "/api/v1/occupations/resolve", query_string={"title": title, "lang": lang}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["query"] == title
    top = body["candidates"][0]
    assert top["isco08"] == isco, body["candidates"][:3]
    assert 0 <= top["score"] <= 1
    scores = [c["score"] for c in body["candidates"]]
    assert scores == sorted(scores, reverse=True)
    assert set(top) == {"isco08", "title", "soc2018", "noc2021", "sinco2019", "score"}


def test_crosswalk_codes_come_with_the_candidate(client) -> None:
    top = client.get("/api/v1/occupations/resolve?title=crop+farm+labourer&lang=en").get_json()[
        "candidates"
    ][0]
    assert "45-2092" in top["soc2018"] and "85101" in top["noc2021"] and top["sinco2019"]


@pytest.mark.parametrize(
    "qs",
    ["", "title=", "title=x&limit=0", "title=x&lang=de", "title=x&limit=abc", "title=" + "x" * 300],
)
def test_bad_queries_are_422(client, qs) -> None:
    response = client.get(f"/api/v1/occupations/resolve?{qs}")
    assert response.status_code == 422
    assert response.get_json()["errors"]
