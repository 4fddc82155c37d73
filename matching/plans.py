"""Evaluation plans: a program's rules in force, compiled once per date range and language.

What a program says depends, apart from the facts, only on the rule versions in force on
``as_of`` and on ``lang``. A plan resolves that once: the rules in force, each with its check
and its reasons already built (``Reason`` objects for evaluate_programs, dicts for
evaluate_programs_dicts), and the program's steps in ``lang``. Plans live in
``Program._memo``; a request only computes the facts, runs the checks and picks reasons.
Plans are never mutated once built, except for the per-rule memo of "missing information"
reasons, which only grows (at most one entry per subset of the facts a rule reads).

Nothing here is public: :mod:`matching.eligibility` is the way in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from matching.facts import _label
from matching.programs import OnMissing, Program, Rule, Scope, Text
from matching.results import Reason, Status
from matching.rules import Check

_MSG: dict[str, Text] = {
    "offer": Text(
        es="Depende de la oferta de trabajo.",
        en="Depends on the job offer.",
        fr="Dépend de l'offre d'emploi.",
    ),
    "missing": Text(
        es="Falta información: {facts}.",
        en="Missing information: {facts}.",
        fr="Information manquante : {facts}.",
    ),
    "officer": Text(
        es="Nuestros datos no alcanzan para decidirlo: una persona del programa lo revisará.",
        en="Our data cannot decide this: a program officer will check it.",
        fr="Nos données ne permettent pas de le décider : un agent du programme vérifiera.",
    ),
    "complete": Text(
        es="Complete su información ({facts}) para recibir una respuesta más clara.",
        en="Complete your information ({facts}) to get a clearer answer.",
        fr="Complétez vos informations ({facts}) pour obtenir une réponse plus claire.",
    ),
    "offer_step": Text(
        es="Algunas condiciones dependen de la oferta de trabajo; se revisarán cuando tenga "
        "una oferta concreta.",
        en="Some conditions depend on the job offer; they will be checked when you have a "
        "specific offer.",
        fr="Certaines conditions dépendent de l'offre d'emploi ; elles seront vérifiées "
        "lorsque vous aurez une offre précise.",
    ),
    "not_preferred": Text(
        es="Este programa es para trabajar en {country}, que no está entre los países que "
        "usted eligió.",
        en="This program is for work in {country}, which is not among the countries you chose.",
        fr="Ce programme concerne le travail au {country}, qui ne fait pas partie des pays "
        "que vous avez choisis.",
    ),
    "add_destination": Text(
        es="Si le interesa, agregue {country} a los países donde quiere trabajar.",
        en="If you are interested, add {country} to the countries where you want to work.",
        fr="Si cela vous intéresse, ajoutez {country} aux pays où vous voulez travailler.",
    ),
}

_COUNTRY: dict[str, Text] = {
    "US": Text(es="Estados Unidos", en="the United States", fr="États-Unis"),
    "CA": Text(es="Canadá", en="Canada", fr="Canada"),
    "MX": Text(es="México", en="Mexico", fr="Mexique"),
}


_ELIGIBLE, _REVIEW, _REFUSED = 0, 1, 2
_STATUS = (Status.ELIGIBLE, Status.NEEDS_REVIEW, Status.NOT_ELIGIBLE)
_STATUS_STR = tuple(str(s) for s in _STATUS)
#: a program remembers this many (as_of, lang) pairs before forgetting them all (plans for
#: equal sets of rules in force are shared, so forgetting only costs a dict rebuild)
_MAX_REQUEST_KEYS = 512


def _reason(as_dicts: bool, rule: str, passed: bool | None, message: str, source: str) -> Any:
    if as_dicts:
        return {"rule": rule, "passed": passed, "message": message, "source": source}
    return Reason(rule, passed, message, source)


def _split_template(template: str, name: str) -> tuple[str, str]:
    """``template`` as (before, after) around ``{name}``, so that formatting is concatenation."""
    before, _, after = template.partition("{" + name + "}")
    marker = "\x00"
    if template.format(**{name: marker}) != before + marker + after:
        raise AssertionError(f"template {template!r} is not a plain '{{{name}}}' template")
    return before, after


class _RuleExtra:
    """The parts of a compiled rule needed only when it fails or cannot be decided."""

    __slots__ = ("as_dicts", "blocks", "lang", "missing", "remedy", "review", "rule", "used")

    def __init__(self, rule: Rule, lang: str, as_dicts: bool) -> None:
        self.rule = rule
        self.lang = lang
        self.as_dicts = as_dicts
        self.blocks = rule.on_fail is Status.NOT_ELIGIBLE
        self.review = rule.on_missing is OnMissing.NEEDS_REVIEW
        self.remedy = None if rule.remedy is None else rule.remedy.get(lang)
        self.used = tuple(sorted(rule.facts_used))
        self.missing: dict[tuple[str, ...], tuple[Any, tuple[str, ...]]] = {}

    def undecided(self, facts: Mapping[str, Any]) -> tuple[Any, tuple[str, ...]]:
        """The reason when the check cannot decide on ``facts``, and the labels of the facts
        that are missing (memoised by which of the facts the rule reads are unknown)."""
        used = self.used
        names: tuple[str, ...]
        if len(used) == 1:  # the common case, without building a list
            names = used if facts.get(used[0]) is None else ()
        else:
            get = facts.get
            names = tuple([n for n in used if get(n) is None])
        hit = self.missing.get(names)
        if hit is None:
            lang, rule = self.lang, self.rule
            labels: list[str] = []
            for name in names:
                label = _label(name, lang)
                if label not in labels:
                    labels.append(label)
            if labels:
                detail = _MSG["missing"].get(lang).format(facts=", ".join(labels))
            else:
                detail = _MSG["officer"].get(lang)
            message = f"{rule.text.get(lang)} {detail}"
            hit = (_reason(self.as_dicts, rule.id, None, message, rule.source), tuple(labels))
            self.missing[names] = hit
        return hit


#: (check, reason when passed, reason when failed, the rest); or, for a run of job-offer rules
#: that are not applied, (None, their "depends on the job offer" reasons, None, None)
_CompiledRule = tuple[Check | None, Any, Any, Any]


class _Plan:
    """One program's rules in force on a date range, with every text resolved in one language."""

    __slots__ = (
        "add_destination",
        "complete",
        "next_steps",
        "not_preferred",
        "offer_step",
        "with_offer",
        "without_offer",
    )

    def __init__(self, program: Program, in_force: tuple[int, ...], lang: str, as_dicts: bool):
        offer = _MSG["offer"].get(lang)
        with_offer: list[_CompiledRule] = []
        without_offer: list[_CompiledRule] = []
        for index in in_force:
            rule = program.rules[index]
            text = rule.text.get(lang)
            compiled = (
                rule.check,
                _reason(as_dicts, rule.id, True, text, rule.source),
                _reason(as_dicts, rule.id, False, text, rule.source),
                _RuleExtra(rule, lang, as_dicts),
            )
            with_offer.append(compiled)
            if rule.scope is not Scope.VACANCY:
                without_offer.append(compiled)
                continue
            pending = _reason(as_dicts, rule.id, None, f"{text} {offer}", rule.source)
            if without_offer and without_offer[-1][0] is None:  # extend the current run
                without_offer[-1] = (None, (*without_offer[-1][1], pending), None, None)
            else:
                without_offer.append((None, (pending,), None, None))
        self.with_offer: tuple[_CompiledRule, ...] = tuple(with_offer)
        self.without_offer: tuple[_CompiledRule, ...] = tuple(without_offer)
        self.next_steps = tuple(t.get(lang) for t in program.next_steps)
        self.offer_step = _MSG["offer_step"].get(lang)
        self.complete = _split_template(_MSG["complete"].get(lang), "facts")
        country = _COUNTRY.get(program.destination)
        name = country.get(lang) if country else program.destination
        self.not_preferred = _reason(
            as_dicts,
            f"{program.code.lower()}.destination-preference",
            None,
            _MSG["not_preferred"].get(lang).format(country=name),
            program.url,
        )
        self.add_destination = _MSG["add_destination"].get(lang).format(country=name)


def _plan_for(program: Program, as_of: date, lang: str, as_dicts: bool) -> _Plan:
    """The plan of ``program`` on ``as_of`` in ``lang``, built on first use."""
    memo = program._memo
    key = (as_of, lang, as_dicts)
    plan = memo.by_request.get(key)
    if plan is not None:
        return plan
    in_force = tuple(i for i, r in enumerate(program.rules) if r.in_force(as_of))
    text_lang = lang if lang in ("es", "fr") else "en"  # what Text.get picks
    shared = (in_force, text_lang, as_dicts)
    plan = memo.by_rules.get(shared)
    if plan is None:
        plan = memo.by_rules[shared] = _Plan(program, in_force, text_lang, as_dicts)
    if len(memo.by_request) >= _MAX_REQUEST_KEYS:
        memo.by_request.clear()
    memo.by_request[key] = plan
    return plan


def _run(
    plan: _Plan, facts: Mapping[str, Any], offer_applies: bool, outside: bool
) -> tuple[int, list[Any], list[str]]:
    """Apply a plan: (status index, prebuilt reasons, next steps). The lists are new."""
    status = _ELIGIBLE
    reasons: list[Any] = []
    add = reasons.append
    remedies: list[str] = []
    missing: list[str] = []
    pending_offer = False
    for check, passed, failed, extra in plan.with_offer if offer_applies else plan.without_offer:
        if check is None:  # job-offer rules that do not apply: passed holds their reasons
            reasons.extend(passed)
            pending_offer = True
            continue
        result = check(facts)
        if result is True:
            add(passed)
        elif result is False:
            add(failed)
            if extra.blocks:
                status = _REFUSED
            elif status == _ELIGIBLE:
                status = _REVIEW
            remedy = extra.remedy
            if remedy is not None and remedy not in remedies:
                remedies.append(remedy)
        else:
            reason, labels = extra.undecided(facts)
            add(reason)
            if extra.review:
                # Only facts that decide the status are asked for: an optional one
                # (on_missing = "ignore", e.g. immigration history) is checked later by a
                # person and never becomes a "complete your information" step.
                for label in labels:
                    if label not in missing:
                        missing.append(label)
                if status == _ELIGIBLE:
                    status = _REVIEW
    steps = remedies
    if status != _REFUSED:
        if missing:
            before, after = plan.complete
            steps.append(before + ", ".join(missing) + after)
        steps.extend(plan.next_steps)
        if pending_offer:
            steps.append(plan.offer_step)
    if outside:
        add(plan.not_preferred)
        steps.append(plan.add_destination)
    return status, reasons, steps
