"""What Central American applicants write about their work resolves to the right occupation.

Only the project's own ``data/occupations`` is loaded (no official files): this is the
resolver every installation has. Each case is the top-1 ISCO-08 unit group a user would see
named back to them; where two groups are equally right (README "Ambiguous colloquial
words"), both are accepted.
"""

from __future__ import annotations

import pytest

from matching.occupations import OccupationResolver
from pathways.reference.occupations import build_resolver
from pathways.settings import PROJECT_ROOT

CASES = [
    # farm and field work
    ("trabajo en la milpa y con ganado", {"9213", "6130"}),  # maize field and cattle: mixed
    ("jornalero agrícola", {"9211"}),
    ("jornalero", {"9211"}),
    ("peón de campo", {"9211"}),
    ("trabajador del campo", {"9211"}),
    ("jornalero de milpa", {"9211"}),
    ("milpero", {"6310", "9211"}),
    ("caporal de finca", {"6111"}),
    ("mozo de finca", {"9211", "9213"}),
    ("cortador de caña", {"9211"}),
    ("trabajador agropecuario", {"9213", "6130"}),
    ("cortador de café y cuidador de ganado", {"9213"}),
    # coffee
    ("corte de café", {"9211"}),
    ("cortador de café", {"9211"}),
    # livestock
    ("vaquero", {"9212", "6121"}),
    ("ordeñador", {"9212", "6121"}),
    ("cuidador de ganado", {"9212"}),
    ("trabajador de granja avícola", {"9212", "6122"}),
    # construction
    ("albañil", {"7112"}),
    ("ayudante de albañil", {"9313"}),
    ("carpintero de obra", {"7115"}),
    ("pintor de casas", {"7131"}),
    # cleaning and housekeeping
    ("limpieza de oficinas", {"9112"}),
    ("camarera de hotel", {"9112"}),
    ("empleada doméstica", {"9111"}),
    # cooking and kitchens
    ("cocinero", {"5120"}),
    ("ayudante de cocina", {"9412"}),
    ("lavaplatos", {"9412"}),
    # security
    ("Guardia de seguridad", {"5414"}),
    ("guardia", {"5414"}),
    ("vigilante", {"5414"}),
    ("agente de seguridad privada", {"5414"}),
    # driving
    ("motorista de camión", {"8332"}),
    ("piloto de camión", {"8332"}),
    ("tractorista", {"8341"}),
    # fish and seafood processing
    ("fileteador de pescado", {"7511"}),
    ("peladora de camarón", {"7511"}),
    ("procesadora de mariscos", {"7511"}),
    # landscaping and gardens
    ("jardinero", {"6113", "9214"}),
    ("cortador de grama", {"9214"}),
    ("ayudante de jardinería", {"9214"}),
]


@pytest.fixture(scope="module")
def resolver() -> OccupationResolver:
    return build_resolver(PROJECT_ROOT / "data", cache_size=0)


@pytest.mark.parametrize(("title", "expected"), CASES, ids=[c[0] for c in CASES])
def test_central_american_job_descriptions(
    resolver: OccupationResolver, title: str, expected: set[str]
) -> None:
    best = resolver.resolve(title, lang="es", limit=3)
    assert best, f"nothing for {title!r}"
    assert best[0].isco08 in expected, [(c.isco08, c.title, c.matched, c.score) for c in best]


def test_the_reported_faults_are_gone(resolver: OccupationResolver) -> None:
    # Reported: "milpa y ganado" came back as beekeepers, "Guardia de seguridad" as forestry.
    milpa = resolver.resolve("trabajo en la milpa y con ganado", lang="es")[0]
    assert milpa.isco08 in {"9213", "6130"} and not milpa.isco08.startswith("612")
    guard = resolver.resolve("Guardia de seguridad", lang="es")[0]
    assert (guard.isco08, guard.title) == ("5414", "Guardias de protección")
    # Accents and case do not matter.
    assert resolver.resolve("GUARDIA DE SEGURIDAD", lang="es")[0].isco08 == "5414"
    assert resolver.resolve("albanil", lang="es")[0].isco08 == "7112"


@pytest.mark.slow
def test_the_reported_faults_are_gone_with_the_official_files_loaded() -> None:
    """As `pathways load-reference --from ../shared/data` serves them (ESCO's 150,000 labels
    bring "asesor de ganado" and "inspectora de trabajo" into play)."""
    from tests.conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip(f"../shared/data not present ({SHARED_DATA}): this test reads the real files")
    resolver = build_resolver(PROJECT_ROOT / "data", SHARED_DATA, cache_size=0)
    milpa = resolver.resolve("trabajo en la milpa y con ganado", lang="es")[0]
    assert milpa.isco08 in {"9213", "6130"}, milpa
    assert resolver.resolve("Guardia de seguridad", lang="es")[0].isco08 == "5414"
