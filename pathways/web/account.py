"""A signed-in user's API tokens: create (shown once), list with last use, revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from pathways.auth import actor_for, current_principal, role_required
from pathways.requestctx import db_session, settings
from pathways.services import accounts

bp = Blueprint("account", __name__, url_prefix="/account")


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=100)])


class RevokeForm(FlaskForm):
    pass


@bp.route("/tokens", methods=["GET", "POST"])
@role_required("ministry", "officer", "admin")
def tokens():  # type: ignore[no-untyped-def]
    user = current_principal()
    assert user is not None
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        issued = accounts.issue_token(
            db_session(),
            user,
            actor=actor_for(user),
            name=form.name.data or "",
            days=settings().token_days,
        )
        new_token = issued.token
        flash(_("Copy this token now: it will not be shown again."), "info")
    return render_template(
        "account/tokens.html",
        form=form,
        revoke_form=RevokeForm(),
        tokens=accounts.list_tokens(db_session(), user),
        new_token=new_token,
    )


@bp.post("/tokens/<int:token_id>/revoke")
@role_required("ministry", "officer", "admin")
def revoke(token_id: int):  # type: ignore[no-untyped-def]
    user = current_principal()
    assert user is not None
    if not RevokeForm().validate_on_submit():
        abort(400)
    if not accounts.revoke_token(db_session(), user, token_id, actor=actor_for(user)):
        abort(404)
    flash(_("The token was revoked."), "info")
    return redirect(url_for("account.tokens"))
