"""The consent text people agree to, by version and language.

It lives here and not in the message catalogs on purpose: what a person agreed to is recorded
with ``CONSENT_VERSION`` and its language, so the words of a version must never change behind
it (a catalog is re-translated and re-merged freely). A change of wording is a new version in
``pathways.services.applicants.CONSENT_VERSION`` and a new entry here.
"""

from __future__ import annotations

from pathways.services.applicants import CONSENT_VERSION

CONSENT_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "2026-12": {
        "es": (
            "Guardamos lo que usted escribe en este formulario: su correo, su nombre, su fecha "
            "de nacimiento, su nacionalidad, dónde vive, sus idiomas, sus trabajos, sus "
            "licencias, sus fechas y sus preferencias.",
            "Lo usamos solo para buscarle trabajos temporales legales en Estados Unidos, Canadá "
            "y México, y para contar cuántas personas consiguen trabajo.",
            "Quién lo ve: el ministerio de trabajo de su país (para revisar sus documentos) y "
            "las personas que manejan los programas. El ministerio del país del trabajo ve su "
            "perfil sin su nombre; ve su nombre solo si usted acepta una oferta.",
            "Usted puede retirar su consentimiento o borrar sus datos cuando quiera, en «Mis "
            "datos». Si los borra, solo quedan datos sin su nombre ni sus contactos (país, "
            "departamento, sexo, año de nacimiento y tipo de trabajo), para que las cuentas "
            "sigan correctas.",
            "Este servicio es gratis. Los programas legales nunca cobran a los trabajadores: "
            "si alguien le pide dinero, no pague y denúncielo.",
        ),
        "en": (
            "We keep what you write in this form: your e-mail, name, date of birth, "
            "nationality, where you live, your languages, your work, your licences, your dates "
            "and your preferences.",
            "We use it only to find you legal temporary work in the United States, Canada and "
            "Mexico, and to count how many people find work.",
            "Who sees it: the labour ministry of your country (to check your documents) and the "
            "people who run the programs. The ministry of the country of the job sees your "
            "profile without your name; it sees your name only if you accept an offer.",
            "You can withdraw your consent or delete your data at any time, in “My data”. If "
            "you delete it, we keep only facts without your name or contacts (country, "
            "department, sex, year of birth and type of work), so that the counts stay right.",
            "This service is free. Legitimate programs never charge workers: if someone asks "
            "you for money, do not pay and report it.",
        ),
        "fr": (
            "Nous gardons ce que vous écrivez dans ce formulaire : votre courriel, votre nom, "
            "votre date de naissance, votre nationalité, où vous habitez, vos langues, vos "
            "emplois, vos permis, vos dates et vos préférences.",
            "Nous l'utilisons seulement pour vous trouver un travail temporaire légal aux "
            "États-Unis, au Canada et au Mexique, et pour compter combien de personnes trouvent "
            "un travail.",
            "Qui le voit : le ministère du travail de votre pays (pour vérifier vos documents) "
            "et les personnes qui gèrent les programmes. Le ministère du pays de l'emploi voit "
            "votre profil sans votre nom ; il voit votre nom seulement si vous acceptez une "
            "offre.",
            "Vous pouvez retirer votre consentement ou effacer vos données à tout moment, dans "
            "« Mes données ». Si vous les effacez, nous gardons seulement des faits sans votre "
            "nom ni vos coordonnées (pays, département, sexe, année de naissance et type de "
            "travail), pour que les comptes restent justes.",
            "Ce service est gratuit. Les programmes légaux ne font jamais payer les "
            "travailleurs : si quelqu'un vous demande de l'argent, ne payez pas et "
            "signalez-le.",
        ),
    },
}


def consent_text(lang: str, version: str = CONSENT_VERSION) -> tuple[str, ...]:
    """The paragraphs of ``version`` in ``lang`` (Spanish when the language is missing)."""
    texts = CONSENT_TEXTS[version]
    return texts.get(lang) or texts["es"]
