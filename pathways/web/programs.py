"""Program officers' view of the catalog: programs, caps and use, every rule version; and the
form through which an admin or a destination ministry adds a new version of a rule."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields import DateField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from pathways.auth import actor_for, current_principal, role_required
from pathways.requestctx import db_session
from pathways.services import rule_versions
from pathways.services.rule_versions import RuleVersionError
from pathways.web.eligibility import options

bp = Blueprint("officer", __name__, url_prefix="/programs")

NEW_RULE = "__new__"


def _lang() -> str:
    return str(get_locale() or "es")


@bp.get("/")
@role_required("officer", "admin", "ministry")
def programs():  # type: ignore[no-untyped-def]
    user = current_principal()
    items = rule_versions.programs_with_history(db_session(), lang=_lang())
    editable = {
        p.code
        for p in (rule_versions.get_program(db_session(), i["code"]) for i in items)
        if p is not None and rule_versions.may_add_version(user, p)
    }
    return render_template(
        "programs/list.html", programs=items, editable=editable, today=date.today()
    )


def _later_than_start(form: FlaskForm, field: DateField) -> None:
    start = form.effective_from.data  # type: ignore[attr-defined]
    if field.data and start and field.data < start:
        raise ValidationError(_l("The end date is before the start date."))


def _https(_form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if not value.startswith("https://") or " " in value:
        raise ValidationError(_l("The source must be an https:// address."))


def _json_object(_form: FlaskForm, field: TextAreaField) -> None:
    try:
        value = json.loads(field.data or "")
    except ValueError as exc:
        raise ValidationError(
            _l("The condition is not valid JSON: %(error)s", error=str(exc))
        ) from None
    if not isinstance(value, dict):
        raise ValidationError(_l("The condition must be a JSON object."))


def _text_field(label: str, *, required: bool) -> TextAreaField:
    checks = [InputRequired(_l("This text is required."))] if required else [Optional()]
    return TextAreaField(label, validators=[*checks, Length(max=2000)])


class RuleVersionForm(FlaskForm):
    rule_id = SelectField(_l("Rule"), validators=[InputRequired()])
    new_rule_id = StringField(
        _l("New rule id (only for a new rule)"), validators=[Optional(), Length(max=100)]
    )
    effective_from = DateField(
        _l("In force from"), validators=[InputRequired(_l("Give the first day it applies."))]
    )
    effective_to = DateField(
        _l("In force until (optional)"), validators=[Optional(), _later_than_start]
    )
    scope = SelectField(
        _l("Applies to"),
        choices=options([("applicant", _l("the applicant")), ("vacancy", _l("the job offer"))]),
    )
    basis = SelectField(
        _l("Basis"),
        choices=options([("law", _l("law or regulation")), ("policy", _l("Pathways policy"))]),
    )
    certainty = SelectField(
        _l("Certainty"),
        choices=options(
            [
                ("official", _l("official (read in the official text)")),
                ("secondary", _l("secondary (from a secondary copy)")),
                ("uncertain", _l("uncertain (conflicting or unverified)")),
            ]
        ),
    )
    on_fail = SelectField(
        _l("When not met"),
        choices=options(
            [("not_eligible", _l("not eligible")), ("needs_review", _l("needs review"))]
        ),
    )
    on_missing = SelectField(
        _l("When a fact is missing"),
        choices=options(
            [("needs_review", _l("needs review")), ("ignore", _l("ignore (optional fact)"))]
        ),
    )
    source = StringField(
        _l("Official source (https address)"),
        validators=[InputRequired(_l("Give the official source.")), Length(max=500), _https],
    )
    text_es = _text_field(_l("Text in Spanish"), required=True)
    text_en = _text_field(_l("Text in English"), required=True)
    text_fr = _text_field(_l("Text in French"), required=True)
    remedy_es = _text_field(_l("What would make one eligible, in Spanish"), required=False)
    remedy_en = _text_field(_l("What would make one eligible, in English"), required=False)
    remedy_fr = _text_field(_l("What would make one eligible, in French"), required=False)
    condition = TextAreaField(
        _l("Condition (JSON)"),
        validators=[InputRequired(_l("Give the condition.")), Length(max=20000), _json_object],
    )

    def chosen_rule_id(self) -> str:
        if self.rule_id.data == NEW_RULE:
            return (self.new_rule_id.data or "").strip()
        return str(self.rule_id.data or "")


def _prefill(form: RuleVersionForm, definition: dict) -> None:
    for name in ("scope", "basis", "certainty", "on_fail", "on_missing", "source"):
        if definition.get(name):
            getattr(form, name).data = definition[name]
    for name in ("text", "remedy"):
        for lang in ("es", "en", "fr"):
            value = (definition.get(name) or {}).get(lang)
            if value:
                getattr(form, f"{name}_{lang}").data = value
    form.condition.data = json.dumps(definition.get("condition", {}), ensure_ascii=False, indent=2)


@bp.route("/<code>/rules/new", methods=["GET", "POST"])
@role_required("admin", "ministry")
def new_rule_version(code: str):  # type: ignore[no-untyped-def]
    session = db_session()
    user = current_principal()
    program = rule_versions.get_program(session, code)
    if program is None:
        abort(404)
    if not rule_versions.may_add_version(user, program):
        if user is not None and user.role == "ministry":
            abort(403, description="A ministry can act only for its own country.")
        abort(403)
    ids = rule_versions.rule_ids(session, program.code)
    form = RuleVersionForm()
    form.rule_id.choices = options([(rid, rid) for rid in ids] + [(NEW_RULE, _("A new rule…"))])
    form.new_rule_id.render_kw = {"placeholder": program.code.lower() + ".…"}
    if request.method == "GET":
        chosen = request.args.get("rule", "")
        chosen = chosen if chosen in ids else (ids[0] if ids else NEW_RULE)
        form.rule_id.data = chosen
        current = rule_versions.current_version(session, program.code, chosen)
        if current is not None:
            _prefill(form, current.definition)
        else:
            form.condition.data = '{"fact": "applicant.age", "op": "ge", "value": 18}'
    status = 200
    if form.validate_on_submit():
        try:
            row = rule_versions.add_rule_version(
                session,
                program_code=program.code,
                rule_id=form.chosen_rule_id(),
                effective_from=form.effective_from.data,
                effective_to=form.effective_to.data,
                certainty=form.certainty.data,
                on_fail=form.on_fail.data,
                on_missing=form.on_missing.data,
                scope=form.scope.data,
                basis=form.basis.data,
                source=form.source.data,
                text={
                    lang: getattr(form, f"text_{lang}").data or "" for lang in ("es", "en", "fr")
                },
                remedy={
                    lang: getattr(form, f"remedy_{lang}").data or "" for lang in ("es", "en", "fr")
                },
                condition_json=form.condition.data,
                actor=actor_for(user),
                user=user,
            )
        except RuleVersionError as exc:
            name = exc.field or "condition"
            if name == "rule_id" and form.rule_id.data == NEW_RULE:
                name = "new_rule_id"
            field = getattr(form, name, form.condition)
            field.errors = [*field.errors, str(exc.message)]
            status = 400
        else:
            flash(
                _(
                    "Saved: a new version of %(rule)s in force from %(date)s.",
                    rule=row.rule_id,
                    date=row.effective_from.isoformat(),
                ),
                "info",
            )
            return redirect(url_for("officer.programs") + f"#{program.code}")
    elif request.method == "POST":
        status = 400
    return render_template(
        "programs/new_rule.html", form=form, program=program, lang=_lang()
    ), status
