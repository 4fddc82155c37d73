"""Two transitions at once can never jointly exceed a cap: many officers issuing the last
visas of a pool at the same moment, as parallel requests on separate connections."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import func, select

from pathways.models import Placement
from tests.pathways.placement_rows import TODAY, cap, person, vacancy
from tests.pathways.test_placements_api import propose, walk

CAP, CREW = 5, 16


def test_parallel_visas_never_exceed_the_cap(app, client, auth_header, session, set_caps):
    set_caps("US-H2B", [cap("race.statutory", CAP, kind="statutory")])
    officer = auth_header("officer")
    job = vacancy(session, positions=CREW, start_date=TODAY + timedelta(days=45))
    ids = [propose(client, officer, person(session, name=f"R{i}"), job)["id"] for i in range(CREW)]
    for pid in ids:
        walk(client, officer, pid, "authorized")
    start = threading.Barrier(CREW)

    def issue(pid: int) -> int:
        with app.test_client() as own:  # one client, one connection per request, per thread
            start.wait()
            response = own.post(
                f"/api/v1/placements/{pid}/transitions", json={"to": "visa_issued"}, headers=officer
            )
            return response.status_code

    with ThreadPoolExecutor(CREW) as pool:
        codes = list(pool.map(issue, ids))
    assert sorted(codes) == [200] * CAP + [409] * (CREW - CAP), codes
    session.expire_all()
    counted = session.exec(
        select(func.count()).where(Placement.cap_key.is_not(None))  # type: ignore[union-attr]
    ).one()
    issued = session.exec(select(func.count()).where(Placement.status == "visa_issued")).one()
    assert counted == issued == CAP
