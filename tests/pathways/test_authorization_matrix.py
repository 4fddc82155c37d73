"""The authorization matrix: every route of the URL map × every kind of caller, against one
table a reviewer can read (issue 10).

Columns: anonymous, applicant, the ministries of US, CA, MX (destinations) and of GT, SV, HN
(origins), officer, admin. ``lgn`` is a redirect to the login page. Reads name real things of a
small world (``authz_world.py``: a Guatemalan applicant, a US vacancy, a placement, a run, a
duplicate flag, an import batch); writes name things that do not exist, or send an empty form,
so a status other than 401/403/``lgn`` means "past the guard" and the services' own tests
check what happens next. A new route fails this test until its row is added here.
"""

from __future__ import annotations

from tests.pathways.authz_world import CALLERS, MARKER, build, walk

MATRIX = """
                                          anon appl   US   CA   MX   GT   SV   HN offi admn
GET    web.home                            200  200  200  200  200  200  200  200  200  200
GET    account.tokens                      lgn  403  200  200  200  200  200  200  200  200
GET    audit.events                        lgn  403  403  403  403  403  403  403  200  200
GET    api.list_applicants                 401  200  403  403  403  200  200  200  200  200
GET    api.get_applicant                   401  200  403  403  403  200  403  403  200  200
GET    api.list_audit_events               401  403  403  403  403  403  403  403  200  200
GET    api.docs_page                       200  200  200  200  200  200  200  200  200  200
GET    api.list_duplicates                 401  403  403  403  403  200  200  200  200  200
GET    api.list_runs                       401  403  403  403  403  403  403  403  200  200
GET    api.get_run                         401  403  403  403  403  403  403  403  200  200
GET    api.list_matches                    401  403  403  403  403  403  403  403  200  200
GET    api.me                              401  200  200  200  200  200  200  200  200  200
GET    api.resolve_occupation              422  422  422  422  422  422  422  422  422  422
GET    api.openapi_document                200  200  200  200  200  200  200  200  200  200
GET    api.list_placements                 401  200  200  200  200  200  200  200  200  200
GET    api.get_placement                   401  200  200  404  404  200  404  404  200  200
GET    api.list_programs                   200  200  200  200  200  200  200  200  200  200
GET    api.get_progress                    401  403  200  200  200  200  200  200  200  200
GET    api.list_vacancies                  401  200  200  200  200  200  200  200  200  200
GET    api.get_vacancy                     401  200  200  200  200  200  200  200  200  200
GET    candidates.candidates               lgn  403  200  200  200  403  403  403  200  200
GET    duplicates.flags                    lgn  403  403  403  403  200  200  200  200  200
GET    eligibility.form                    200  200  200  200  200  200  200  200  200  200
GET    ops.healthz                         200  200  200  200  200  200  200  200  200  200
GET    web.set_language                    302  302  302  302  302  302  302  302  302  302
GET    auth.login                          200  200  200  200  200  200  200  200  200  200
GET    matching.runs                       lgn  403  403  403  403  403  403  403  200  200
GET    matching.run                        lgn  403  403  403  403  403  403  403  200  200
GET    matching.run_progress               lgn  403  403  403  403  403  403  403  200  200
GET    matching.publish                    lgn  403  403  403  403  403  403  403  200  200
GET    matching.new_run                    lgn  403  403  403  403  403  403  403  200  200
GET    applicant.profile                   lgn  200  403  403  403  403  403  403  403  403
GET    applicant.data                      lgn  200  403  403  403  403  403  403  403  403
GET    applicant.edit                      lgn  200  403  403  403  403  403  403  403  403
GET    applicant.offers_list               lgn  200  403  403  403  403  403  403  403  403
GET    applicant.offer_answer              lgn  302  403  403  403  403  403  403  403  403
GET    applicant.options                   lgn  200  403  403  403  403  403  403  403  403
GET    applicant.confirm_jobs              lgn  200  403  403  403  403  403  403  403  403
GET    ministry.import_status              lgn  403  200  403  403  403  403  403  403  200
GET    ministry.import_progress            lgn  403  200  403  403  403  403  403  403  200
GET    ministry.import_new                 lgn  403  200  200  200  403  403  403  403  200
GET    ministry.vacancies_list             lgn  403  200  200  200  403  403  403  403  200
GET    ministry.csv_template               lgn  403  200  200  200  403  403  403  403  200
GET    ministry.vacancy_close              lgn  403  200  403  403  403  403  403  403  200
GET    ministry.vacancy_edit               lgn  403  200  403  403  403  403  403  403  200
GET    ministry.vacancy_new                lgn  403  200  200  200  403  403  403  403  200
GET    placements.placements_list          lgn  403  200  200  200  200  200  200  200  200
GET    placements.placement_detail         lgn  403  200  404  404  200  404  404  200  200
GET    officer.programs                    lgn  403  200  200  200  200  200  200  200  200
GET    progress.dashboard                  lgn  403  200  200  200  200  200  200  200  200
GET    progress.export                     lgn  403  404  404  404  404  404  404  404  404
GET    progress.gap                        lgn  403  200  200  200  200  200  200  200  200
GET    progress.gap_export                 lgn  403  404  404  404  404  404  404  404  404
GET    transparency.page                   200  200  200  200  200  200  200  200  200  200
GET    officer.new_rule_version            lgn  403  200  403  403  403  403  403  403  200
GET    registrations.applicants_list       lgn  403  403  403  403  200  200  200  200  200
GET    registrations.applicant             lgn  403  403  403  403  200  403  403  200  200
GET    registrations.verify                lgn  403  403  403  403  200  403  403  200  200
GET    registrations.csv_template          lgn  403  403  403  403  200  200  200  200  200
GET    registrations.register              lgn  403  403  403  403  200  200  200  200  200
GET    registrations.upload                lgn  403  403  403  403  200  200  200  200  200
GET    applicant.register                  200  302  403  403  403  403  403  403  403  403
GET    applicant.erase                     lgn  200  403  403  403  403  403  403  403  403
POST   account.tokens                      lgn  403  200  200  200  200  200  200  200  200
POST   account.revoke                      lgn  403  404  404  404  404  404  404  404  404
POST   api.create_applicant                401  422  422  422  422  422  422  422  422  422
DELETE api.erase_applicant                 401  404  404  404  404  404  404  404  404  404
PATCH  api.update_applicant                401  404  404  404  404  404  404  404  404  404
POST   api.withdraw_consent                401  404  404  404  404  404  404  404  404  404
POST   api.verify_applicant                401  403  404  404  404  404  404  404  404  404
POST   api.import_applicants               401  403  422  422  422  422  422  422  422  422
POST   api.resolve_duplicate               401  403  422  422  422  422  422  422  422  422
POST   api.check_eligibility               422  422  422  422  422  422  422  422  422  422
POST   api.create_run                      401  403  403  403  403  403  403  403  202  202
POST   api.publish_run                     401  403  403  403  403  403  403  403  404  404
POST   api.create_placement                401  403  422  422  422  422  422  422  422  422
POST   api.transition_placement            401  403  422  422  422  422  422  422  422  422
POST   api.transition_many                 401  403  422  422  422  422  422  422  422  422
POST   api.create_vacancy                  401  403  422  422  422  422  422  422  403  422
PATCH  api.update_vacancy                  401  403  404  404  404  404  404  404  403  404
POST   api.close_vacancy                   401  403  404  404  404  404  404  404  403  404
POST   api.import_vacancies                401  403  422  422  422  422  422  422  403  422
POST   duplicates.resolve                  lgn  403  403  403  403  400  400  400  400  400
POST   eligibility.form                    400  400  400  400  400  400  400  400  400  400
POST   auth.login                          400  400  400  400  400  400  400  400  400  400
POST   matching.publish                    lgn  403  403  403  403  403  403  403  404  404
POST   matching.new_run                    lgn  403  403  403  403  403  403  403  400  400
POST   applicant.edit                      lgn  302  403  403  403  403  403  403  403  403
POST   applicant.offer_answer              lgn  404  403  403  403  403  403  403  403  403
POST   applicant.confirm_jobs              lgn  302  403  403  403  403  403  403  403  403
POST   ministry.import_new                 lgn  403  400  400  400  403  403  403  403  400
POST   ministry.vacancy_close              lgn  403  404  404  404  404  404  404  403  404
POST   ministry.vacancy_edit               lgn  403  404  404  404  404  404  404  403  404
POST   ministry.vacancy_new                lgn  403  400  400  400  403  403  403  403  400
POST   placements.placement_move           lgn  403  404  404  404  404  404  404  404  404
POST   placements.move_many                lgn  403  302  302  302  302  302  302  302  302
POST   officer.new_rule_version            lgn  403  400  403  403  403  403  403  403  400
POST   registrations.verify                lgn  403  403  403  403  404  404  404  404  404
POST   registrations.register              lgn  403  403  403  403  400  400  400  400  400
POST   registrations.upload                lgn  403  403  403  403  400  400  400  400  400
POST   applicant.register                  400  302  403  403  403  403  403  403  403  403
POST   applicant.erase                     lgn  302  403  403  403  403  403  403  403  403
POST   applicant.consent                   lgn  lgn  403  403  403  403  403  403  403  403
GET    api.list_scenarios                  401  403  403  403  403  403  403  403  200  200
GET    api.get_scenario                    401  403  403  403  403  403  403  403  404  404
GET    api.compare_scenarios               401  403  403  403  403  403  403  403  422  422
GET    scenarios.index                     lgn  403  403  403  403  403  403  403  200  200
GET    scenarios.show                      lgn  403  403  403  403  403  403  403  404  404
GET    scenarios.progress                  lgn  403  403  403  403  403  403  403  404  404
GET    scenarios.compare                   lgn  403  403  403  403  403  403  403  302  302
GET    scenarios.new                       lgn  403  403  403  403  403  403  403  200  200
POST   api.create_scenario                 401  403  403  403  403  403  403  403  422  422
POST   scenarios.new                       lgn  403  403  403  403  403  403  403  400  400
"""


def _expected() -> dict[tuple[str, str], list[str]]:
    rows = [line.split() for line in MATRIX.strip().splitlines()[1:]]
    return {(r[0], r[1]): r[2:] for r in rows}


def test_every_route_answers_every_caller_as_the_table_says(app, session, make_user) -> None:
    expected = _expected()
    world = build(session, make_user)
    observed = {
        key: ["lgn" if cells[c] == "login" else str(cells[c]) for c in CALLERS]
        for key, cells in walk(app, session, world).items()
    }
    wrong = [
        f"{method} {endpoint}: expected {expected.get((method, endpoint))}, observed {row}"
        for (method, endpoint), row in observed.items()
        if expected.get((method, endpoint)) != row
    ]
    gone = sorted(set(expected) - set(observed))
    assert not wrong and not gone, "\n".join(wrong) + f"\nroutes no longer there: {gone}"


#: Who may read the planted person's name, phone and document: herself, the ministry of her
#: country (Guatemala), officers and admins. The US ministry only sees who she is once she
#: accepts its offer (her placement here is only proposed).
ENTITLED = {"applicant", "ministry-GT", "officer", "admin"}


def test_personal_data_reaches_only_those_entitled(app, session, make_user, caplog) -> None:
    world = build(session, make_user)
    seen: dict[str, set[str]] = {}
    with caplog.at_level("DEBUG"):
        walk(app, session, world, seen)
    leaked = {who: sorted(routes) for who, routes in seen.items() if who not in ENTITLED}
    assert not leaked, f"the marker reached callers not entitled to it: {leaked}"
    assert seen.get("ministry-GT") and seen.get("officer")  # the check can see the marker
    assert MARKER not in caplog.text, "personal data written to the log"
