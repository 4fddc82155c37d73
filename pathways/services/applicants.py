"""Applicants: register (one by one or many at once), update, verify, withdraw, erase.

Who may do what (the API and the pages both ask :func:`check_access`):

* an applicant registers and manages one record, their own;
* an origin ministry (GT, SV, HN) registers, sees and verifies its own nationals;
* officers and admins see and manage everyone;
* a destination ministry never sees a register entry (it sees anonymised candidates of its
  own vacancies, see :mod:`pathways.services.offers`).

Work history titles are resolved to ISCO-08 with the shared resolver; the person sees what
it understood and may correct it (``confirmed``). Nothing is stored without consent, and the
consent's text version, language and time are recorded. Erasing a person keeps the row with
its aggregate fields (nationality, sex, department, birth year, occupations) so that counts
and the progress toward the target keep adding up.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, func, or_, select

from matching.occupations import OccupationResolver
from pathways.db import utcnow
from pathways.models import Applicant, Consent, DuplicateFlag, Occupation, User
from pathways.models.enums import ORIGINS, ApplicantStatus
from pathways.schemas.applicants import ApplicantCreate, ApplicantUpdate
from pathways.services.audit import Actor, record

# views catch ApplicantError from here
from pathways.services.errors import ApplicantError as ApplicantError

#: The consent text shown to people, by version (see the registration page).
CONSENT_VERSION = "2026-12"
# Below this resolver score a job title is too vague to name an occupation.
MIN_OCCUPATION_SCORE = 0.45


def name_key(name: str) -> str:
    """The name folded for search and duplicate checks: no accents, case, order or extra spaces.

    >>> name_key("  Pérez García,  José ")
    'garcia jose perez'
    """
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c))
    return " ".join(sorted(plain.split()))


# ---------------------------------------------------------------------------------------------
# Who may act on whom


def check_register(user: User | None, nationality: str, session: Session) -> None:
    if user is None:
        raise ApplicantError("principal", "sign in to register", status=401)
    if user.role in ("officer", "admin"):
        return
    if user.role == "ministry":
        if user.country not in ORIGINS:
            raise ApplicantError(
                "principal",
                "only an origin ministry (GT, SV, HN) registers applicants",
                status=403,
            )
        if nationality != user.country:
            raise ApplicantError(
                "nationality",
                "a %(country)s ministry registers only %(country)s nationals",
                status=403,
                country=user.country,
            )
        return
    if user.role == "applicant":
        own = session.exec(select(Applicant.id).where(Applicant.user_id == user.id)).first()
        if own is not None:
            raise ApplicantError(
                "principal",
                "you are already registered; update your profile instead",
                status=409,
            )
        return
    raise ApplicantError("principal", "this role does not register applicants", status=403)


def can_see(user: User | None, row: Applicant) -> bool:
    if user is None:
        return False
    if user.role in ("officer", "admin"):
        return True
    if user.role == "ministry":
        return user.country in ORIGINS and row.nationality == user.country
    return user.role == "applicant" and row.user_id == user.id


def check_access(user: User | None, row: Applicant | None) -> Applicant:
    """The row when ``user`` may see and change it; else 404 (missing) or 403."""
    if row is None:
        raise ApplicantError("id", "no such applicant", status=404)
    if user is None:
        raise ApplicantError("principal", "sign in first", status=401)
    if not can_see(user, row):
        raise ApplicantError("principal", "you may not see this applicant", status=403)
    return row


# ---------------------------------------------------------------------------------------------
# Work history


@dataclass
class TitleResolver:
    """Resolves job titles to ISCO-08, once per distinct (title, language)."""

    resolver: OccupationResolver
    cache: dict[tuple[str, str | None], tuple[str | None, float | None]]

    @classmethod
    def wrap(cls, resolver: OccupationResolver) -> TitleResolver:
        return cls(resolver, {})

    def __call__(self, title: str, lang: str | None) -> tuple[str | None, float | None]:
        key = (title.strip().casefold(), lang)
        hit = self.cache.get(key)
        if hit is None:
            found = self.resolver.resolve(title, lang=lang, limit=1)
            hit = (
                (found[0].isco08, round(found[0].score, 3))
                if found and found[0].score >= MIN_OCCUPATION_SCORE
                else (None, None)
            )
            self.cache[key] = hit
        return hit


def experience_records(
    items: Iterable[Any], titles: TitleResolver, lang: str | None
) -> list[dict[str, Any]]:
    """Stored work history: each title with its months and the ISCO-08 group understood.

    An ISCO code given with the title (the person chose it) is kept as ``confirmed``.
    """
    out = []
    for item in items:
        title = item.title if hasattr(item, "title") else item["title"]
        months = item.months if hasattr(item, "months") else item["months"]
        given = getattr(item, "isco08", None) if hasattr(item, "title") else item.get("isco08")
        if given:
            isco, confidence, confirmed = given, 1.0, True
        else:
            isco, confidence = titles(title, lang)
            confirmed = False
        out.append(
            {
                "title": title,
                "months": int(months),
                "isco08": isco,
                "confidence": confidence,
                "confirmed": confirmed,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Writing


def _row_values(data: ApplicantCreate, experience: list[dict[str, Any]]) -> dict[str, Any]:
    wage = data.min_hourly_wage_usd
    return {
        "name": data.name,
        "name_key": name_key(data.name),
        "nationality": data.nationality,
        "birth_date": data.birth_date,
        "sex": data.sex,
        "residence_country": data.residence.country,
        "residence_subdivision": data.residence.subdivision,
        "languages": list(data.languages),
        "experience": experience,
        "available_from": data.available_from,
        "available_to": data.available_to,
        "destinations": list(data.destinations),
        "programs": [str(p) for p in data.programs],
        "min_hourly_wage_usd_minor": None if wage is None else int(wage * 100),
        "certifications": [c.model_dump(mode="json") for c in data.certifications],
        "returning_programs": [str(p) for p in data.returning_programs],
        "named_by": [n.model_dump(mode="json") for n in data.named_by],
        "phone": data.phone,
        "id_document": data.id_document,
        "preferred_lang": data.preferred_lang,
        "prior_immigration_violation": data.prior_immigration_violation,
        "external_ref": data.external_ref,
        "status": ApplicantStatus.active.value,
    }


def register(
    session: Session,
    data: ApplicantCreate,
    *,
    actor: Actor,
    user: User | None,
    resolver: OccupationResolver,
) -> Applicant:
    """Register one person (with their consent) and flag possible duplicates."""
    check_register(user, data.nationality, session)
    if data.external_ref and _by_ref(session, data.external_ref) is not None:
        raise ApplicantError(
            "external_ref",
            "an applicant with external_ref “%(ref)s” already exists",
            status=409,
            ref=data.external_ref,
        )
    titles = TitleResolver.wrap(resolver)
    values = _row_values(data, experience_records(data.experience, titles, data.preferred_lang))
    row = Applicant(**values, created_by_id=user.id if user else None)
    if user is not None and user.role == "applicant":
        row.user_id = user.id
    session.add(row)
    session.flush()
    session.add(_consent(row.id, data, user))
    record(session, actor, "applicant.create", "applicant", row.id, nationality=row.nationality)
    from pathways.services import duplicates

    duplicates.flag_new(session, [row.id])
    session.commit()
    return row


def register_self(
    session: Session,
    data: ApplicantCreate,
    *,
    email: str,
    password: str,
    resolver: OccupationResolver,
) -> tuple[User, Applicant]:
    """A person creates their account and their record together (one transaction)."""
    from pathways.services import accounts

    try:
        user = accounts.create_user(
            session,
            email=email,
            role="applicant",
            password=password,
            actor=Actor.system("self-registration"),
            commit=False,
        )
        actor = Actor(user_id=user.id, label=f"user:{user.id}", role="applicant")
        row = register(session, data, actor=actor, user=user, resolver=resolver)
    except accounts.AccountError as exc:
        session.rollback()
        raise ApplicantError("email", str(exc), status=409) from None
    except Exception:
        session.rollback()
        raise
    return user, row


def _consent(applicant_id: int | None, data: ApplicantCreate, user: User | None) -> Consent:
    assert applicant_id is not None
    return Consent(
        applicant_id=applicant_id,
        text_version=CONSENT_VERSION,
        lang=data.consent_lang or data.preferred_lang,
        recorded_by_id=user.id if user else None,
    )


def register_many(
    session: Session,
    items: Sequence[ApplicantCreate],
    *,
    actor: Actor,
    user: User | None,
    resolver: OccupationResolver,
    flag_duplicates: bool = True,
) -> list[int]:
    """Register many people in one transaction (bulk inserts; titles resolved once each).

    Callers check scope and external references first (see applicant_imports). Returns the
    new ids in order.
    """
    if not items:
        return []
    titles = TitleResolver.wrap(resolver)
    now = utcnow()
    rows = [
        {
            **_row_values(d, experience_records(d.experience, titles, d.preferred_lang)),
            "created_by_id": user.id if user else None,
            "created_at": now,
            "updated_at": now,
        }
        for d in items
    ]
    ids: list[int] = []
    for start in range(0, len(rows), 5000):
        result = session.execute(
            insert(Applicant).returning(Applicant.id, sort_by_parameter_order=True),
            rows[start : start + 5000],
        )
        ids.extend(int(i) for i in result.scalars())
    consents = [
        {
            "applicant_id": i,
            "purpose": "matching",
            "text_version": CONSENT_VERSION,
            "lang": d.consent_lang or d.preferred_lang,
            "given_at": now,
            "recorded_by_id": user.id if user else None,
        }
        for i, d in zip(ids, items, strict=True)
    ]
    for start in range(0, len(consents), 5000):
        session.execute(insert(Consent), consents[start : start + 5000])
    record(session, actor, "applicant.create_many", "applicant", None, count=len(ids))
    if flag_duplicates:
        from pathways.services import duplicates

        duplicates.flag_new(session, ids)
    return ids


def update(
    session: Session,
    row: Applicant,
    data: ApplicantUpdate,
    *,
    actor: Actor,
    resolver: OccupationResolver,
) -> Applicant:
    if row.status == ApplicantStatus.deleted:
        raise ApplicantError("id", "this applicant's data was erased", status=409)
    given = data.model_dump(exclude_unset=True)
    if "experience" in given and data.experience is not None:
        lang = data.preferred_lang or row.preferred_lang
        row.experience = experience_records(data.experience, TitleResolver.wrap(resolver), lang)
    for key in (
        "languages",
        "available_from",
        "available_to",
        "destinations",
        "phone",
        "preferred_lang",
        "prior_immigration_violation",
    ):
        if key in given:
            setattr(row, key, given[key])
    for key in ("programs", "returning_programs"):
        if key in given:
            setattr(row, key, [str(p) for p in given[key] or []])
    if "certifications" in given:
        row.certifications = given["certifications"] or []
    if "named_by" in given:
        row.named_by = given["named_by"] or []
    if "min_hourly_wage_usd" in given:
        wage = data.min_hourly_wage_usd
        row.min_hourly_wage_usd_minor = None if wage is None else int(wage * 100)
    if data.residence is not None:
        row.residence_country = data.residence.country
        row.residence_subdivision = data.residence.subdivision
    if row.available_from and row.available_to and row.available_to < row.available_from:
        raise ApplicantError("available_to", "is before available_from")
    row.updated_at = utcnow()
    session.add(row)
    record(session, actor, "applicant.update", "applicant", row.id, fields=sorted(given))
    session.commit()
    return row


def confirm_occupation(
    session: Session, row: Applicant, index: int, isco08: str, *, actor: Actor
) -> Applicant:
    """The person (or their ministry) says which occupation a job of their history is."""
    if not 0 <= index < len(row.experience):
        raise ApplicantError("experience", "no such job in the work history", status=404)
    if session.get(Occupation, isco08) is None:
        raise ApplicantError("isco08", "“%(code)s” is not an ISCO-08 unit group", code=isco08)
    jobs = [dict(j) for j in row.experience]
    jobs[index].update(isco08=isco08, confidence=1.0, confirmed=True)
    row.experience, row.updated_at = jobs, utcnow()
    session.add(row)
    record(session, actor, "applicant.confirm_occupation", "applicant", row.id, isco08=isco08)
    session.commit()
    return row


def verify(session: Session, row: Applicant, *, actor: Actor, user: User) -> Applicant:
    """The origin ministry (or an officer) has checked identity and documents."""
    if user.role == "ministry" and row.nationality != user.country:
        raise ApplicantError("principal", "you may not verify this applicant", status=403)
    if user.role not in ("ministry", "officer", "admin"):
        raise ApplicantError("principal", "you may not verify applicants", status=403)
    if row.verified_at is None:
        row.verified_at, row.verified_by_id = utcnow(), user.id
        session.add(row)
        record(session, actor, "applicant.verify", "applicant", row.id)
        session.commit()
    return row


def withdraw_consent(session: Session, row: Applicant, *, actor: Actor) -> Applicant:
    """The person no longer wants to be matched: no new offers from now on."""
    now = utcnow()
    for consent in session.exec(
        select(Consent).where(Consent.applicant_id == row.id, Consent.withdrawn_at.is_(None))  # type: ignore[union-attr]
    ):
        consent.withdrawn_at = now
        session.add(consent)
    if row.status == ApplicantStatus.active:
        row.status, row.updated_at = ApplicantStatus.withdrawn.value, now
        session.add(row)
    record(session, actor, "applicant.withdraw_consent", "applicant", row.id)
    session.commit()
    return row


def give_consent(session: Session, row: Applicant, *, lang: str, actor: Actor) -> Applicant:
    """Consent given again after a withdrawal."""
    if row.status == ApplicantStatus.deleted:
        raise ApplicantError("id", "this applicant's data was erased", status=409)
    session.add(Consent(applicant_id=row.id, text_version=CONSENT_VERSION, lang=lang))
    row.status, row.updated_at = ApplicantStatus.active.value, utcnow()
    session.add(row)
    record(session, actor, "applicant.give_consent", "applicant", row.id)
    session.commit()
    return row


def erase(session: Session, row: Applicant, *, actor: Actor) -> Applicant:
    """Erase the person's personal data at their request; keep what the counts need.

    Kept: nationality, sex, department, the year of birth, the occupations (without the
    words the person wrote), dates of availability and placements. Erased: name, contacts,
    documents, exact birth date, free-text titles, employer names, the login.
    """
    if row.status == ApplicantStatus.deleted:
        return row
    now = utcnow()
    row.name, row.name_key = "", ""
    row.phone = row.id_document = None
    row.birth_date = date(row.birth_date.year, 1, 1)
    row.experience = [
        {
            "title": "",
            "months": j.get("months", 0),
            "isco08": j.get("isco08"),
            "confidence": j.get("confidence"),
            "confirmed": j.get("confirmed", False),
        }
        for j in row.experience
    ]
    row.certifications = [{"name": "", "licence": c.get("licence")} for c in row.certifications]
    row.named_by = []
    row.external_ref = None
    row.status, row.deleted_at, row.updated_at = ApplicantStatus.deleted.value, now, now
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        if user is not None:
            user.active = False
            user.email = f"erased-{user.id}@invalid.pathways"
            user.display_name = None
            user.password_hash = None
            session.add(user)
    for consent in session.exec(
        select(Consent).where(Consent.applicant_id == row.id, Consent.withdrawn_at.is_(None))  # type: ignore[union-attr]
    ):
        consent.withdrawn_at = now
        session.add(consent)
    for flag in session.exec(
        select(DuplicateFlag).where(
            or_(DuplicateFlag.applicant_id == row.id, DuplicateFlag.other_id == row.id),
            DuplicateFlag.status == "open",
        )
    ):
        flag.status, flag.resolved_at, flag.note = "different", now, "erased"
        session.add(flag)
    session.add(row)
    record(session, actor, "applicant.erase", "applicant", row.id)
    session.commit()
    return row


# ---------------------------------------------------------------------------------------------
# Reading


def _by_ref(session: Session, ref: str) -> Applicant | None:
    return session.exec(select(Applicant).where(Applicant.external_ref == ref)).first()


def own_record(session: Session, user: User) -> Applicant | None:
    return session.exec(select(Applicant).where(Applicant.user_id == user.id)).first()


def list_applicants(
    session: Session,
    *,
    user: User,
    nationality: str | None = None,
    status: str | None = None,
    verified: bool | None = None,
    q: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Applicant], int]:
    stmt = select(Applicant)
    if user.role == "ministry":
        if user.country not in ORIGINS:
            raise ApplicantError("principal", "you may not list applicants", status=403)
        stmt = stmt.where(Applicant.nationality == user.country)
    elif user.role == "applicant":
        stmt = stmt.where(Applicant.user_id == user.id)
    if nationality:
        stmt = stmt.where(Applicant.nationality == nationality)
    if status:
        stmt = stmt.where(Applicant.status == status)
    if verified is not None:
        stmt = stmt.where(
            Applicant.verified_at.is_not(None) if verified else Applicant.verified_at.is_(None)  # type: ignore[union-attr]
        )
    if q:
        for word in name_key(q).split():
            stmt = stmt.where(Applicant.name_key.contains(word))  # type: ignore[attr-defined]
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(
        stmt.order_by(Applicant.id.desc())  # type: ignore[union-attr]
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), int(total)


def occupation_titles(session: Session, codes: Iterable[str | None], lang: str) -> dict[str, str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = session.exec(select(Occupation).where(Occupation.isco08.in_(wanted)))  # type: ignore[attr-defined]
    return {o.isco08: getattr(o, f"title_{lang}", None) or o.title_en for o in rows}


def to_public(session: Session, row: Applicant, *, lang: str = "es") -> dict[str, Any]:
    titles = occupation_titles(session, (j.get("isco08") for j in row.experience), lang)
    consent = session.exec(
        select(Consent).where(Consent.applicant_id == row.id).order_by(Consent.id.desc())  # type: ignore[union-attr]
    ).first()
    flags = session.exec(
        select(DuplicateFlag).where(
            or_(DuplicateFlag.applicant_id == row.id, DuplicateFlag.other_id == row.id)
        )
    ).all()
    return {
        "id": row.id,
        "name": row.name,
        "nationality": row.nationality,
        "birth_date": row.birth_date,
        "sex": row.sex,
        "residence": {"country": row.residence_country, "subdivision": row.residence_subdivision},
        "languages": list(row.languages),
        "experience": [
            {
                "title": j.get("title", ""),
                "months": j.get("months", 0),
                "isco08": j.get("isco08"),
                "occupation": titles.get(j.get("isco08") or ""),
                "confidence": j.get("confidence"),
                "confirmed": bool(j.get("confirmed")),
            }
            for j in row.experience
        ],
        "available_from": row.available_from,
        "available_to": row.available_to,
        "destinations": list(row.destinations),
        "programs": list(row.programs),
        "min_hourly_wage_usd": (
            None if row.min_hourly_wage_usd_minor is None else row.min_hourly_wage_usd_minor / 100
        ),
        "certifications": list(row.certifications),
        "returning_programs": list(row.returning_programs),
        "named_by": list(row.named_by),
        "phone": row.phone,
        "id_document": row.id_document,
        "preferred_lang": row.preferred_lang,
        "status": row.status,
        "verified": row.verified_at is not None,
        "consent": None
        if consent is None
        else {
            "text_version": consent.text_version,
            "lang": consent.lang,
            "given_at": consent.given_at,
            "withdrawn_at": consent.withdrawn_at,
        },
        "duplicates": [
            {
                "id": f.id,
                "other_id": f.other_id if f.applicant_id == row.id else f.applicant_id,
                "score": f.score,
                "evidence": list(f.evidence),
                "status": f.status,
            }
            for f in flags
        ],
        "external_ref": row.external_ref,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }
