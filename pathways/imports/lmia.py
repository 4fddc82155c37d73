"""ESDC positive LMIA employer lists (format ``lmia``), NOC 2021 and older NOC 2011 files.

One row per province x stream x employer x address x occupation for a quarter; the lists
carry no wage and no employment dates. English and French headers are accepted.

Mapping decisions
-----------------
* external_ref: ``lmia-`` + a SHA-1 of quarter, province, stream, employer, address and
  occupation (case- and space-folded), so a re-import of the same list is idempotent.
* program, from ``Program Stream`` (``Stream`` in older lists):
  Primary Agriculture / Agricultural stream → CA-TFWP-AG; Seasonal Agricultural Worker
  Program → CA-SAWP; Low Wage → CA-TFWP-LOW; High Wage → CA-TFWP-HIGH;
  Global Talent Stream → CA-TFWP-HIGH (GTS positions are high-wage positions with a
  two-week service standard; the original stream stays in ``raw``).
  Permanent Resident Only, caregiver streams and anything else are rejected with a message
  naming the stream: they are not temporary job offers this service places people in.
* positions: ``Approved Positions`` (0 → row error).
* worksite: province name → ISO 3166-2; for "Employers carrying on business in Canada with
  Head Office outside of Canada" the province code in the address is used when present.
  ``Address`` "Kelowna, BC V1X 4K5" → city "Kelowna", postal code "V1X 4K5"; truncated
  postal codes ("B3J  3N") are dropped, the city is kept.
* occupation: "85101-Crop farm labourers" → NOC code + title; 5 digits = NOC 2021,
  4 digits = NOC 2011 (or the explicit ``NOC_2021_CODE``/``NOC_2011_CODE`` columns).
* housing: True for CA-TFWP-AG and CA-SAWP (employers must provide housing), else None.
"""

from __future__ import annotations

import hashlib
import re

from matching.normalize import ca_province_to_iso

from .base import (
    FormatSpec,
    ParsedFile,
    ParsedVacancy,
    ParseStream,
    RowReader,
    csv_stream,
    normalize_header,
)

FORMAT = "lmia"

SPEC = FormatSpec(
    label="an ESDC positive LMIA employer list",
    fields={
        "quarter": ("Quarter", "Period", "Trimestre"),
        "province": ("Province/Territory", "Province", "Province/Territoire", "Province_Territory"),
        "stream": ("Program Stream", "Stream", "Volet du programme", "Volet", "Program"),
        "employer": ("Employer", "Employer Name", "Employeur", "Nom de l'employeur"),
        "address": ("Address", "Adresse", "Employer Address"),
        "occupation": (
            "Occupation",
            "Occupations under NOC 2011",
            "Occupations under NOC 2021",
            "Profession",
            "Professions selon la CNP 2021",
        ),
        "positions": (
            "Approved Positions",
            "Positions Approved",
            "Postes approuvés",
            "Number of Approved Positions",
        ),
        "noc2021_code": ("NOC_2021_CODE",),
        "noc2021_title": ("NOC_2021_TITLE",),
        "noc2011_code": ("NOC_2011_CODE",),
        "noc2011_title": ("NOC_2011_TITLE",),
    },
    required=(("province",), ("stream",), ("employer",), ("occupation",), ("positions",)),
    ignored=(
        "Incorporate Status",
        "Approved LMIAs",
        "TEER",
        "EIMT approuvées",
        "Statut de constitution",
        "Number of Approved LMIAs",
    ),
)

_STREAMS: dict[str, str] = {
    "primary agriculture": "CA-TFWP-AG",
    "agricultural stream": "CA-TFWP-AG",
    "agricultural": "CA-TFWP-AG",
    "agriculture": "CA-TFWP-AG",
    "agriculture primaire": "CA-TFWP-AG",
    "volet agricole": "CA-TFWP-AG",
    "seasonal agricultural worker program": "CA-SAWP",
    "sawp": "CA-SAWP",
    "programme des travailleurs agricoles saisonniers": "CA-SAWP",
    "low wage": "CA-TFWP-LOW",
    "low wage stream": "CA-TFWP-LOW",
    "bas salaires": "CA-TFWP-LOW",
    "postes a bas salaire": "CA-TFWP-LOW",
    "high wage": "CA-TFWP-HIGH",
    "high wage stream": "CA-TFWP-HIGH",
    "hauts salaires": "CA-TFWP-HIGH",
    "postes a haut salaire": "CA-TFWP-HIGH",
    "global talent stream": "CA-TFWP-HIGH",
    "global talent": "CA-TFWP-HIGH",
    "volet des talents mondiaux": "CA-TFWP-HIGH",
}

_ADDRESS = re.compile(r"^(?P<city>.*?)\s*,\s*(?:(?P<prov>[A-Za-z]{2})\b\.?)?\s*(?P<postal>[^,]*)$")
_POSTAL = re.compile(r"^([A-Za-z]\d[A-Za-z])\s*(\d[A-Za-z]\d)$")
_OCCUPATION = re.compile(r"^\s*(\d{4,5})\s*[-–:]\s*(.+?)\s*$")


def _fold(text: str) -> str:
    return normalize_header(text).replace("_", " ")


def parse_address(address: str | None) -> tuple[str | None, str | None, str | None]:
    """``"Kelowna, BC V1X 4K5"`` → ``("Kelowna", "CA-BC", "V1X 4K5")``; best effort."""
    if not address:
        return None, None, None
    m = _ADDRESS.match(address.strip())
    if not m:
        return address.strip() or None, None, None
    city = m.group("city").split(",")[-1].strip() or None
    prov = ca_province_to_iso(m.group("prov")) if m.group("prov") else None
    postal_text = m.group("postal").strip()
    if prov is None and m.group("prov"):
        postal_text = (m.group("prov") + postal_text).strip()
    pm = _POSTAL.match(postal_text)
    postal = f"{pm.group(1)} {pm.group(2)}".upper() if pm else None
    return city, prov, postal


def _ref(reader: RowReader) -> str:
    parts = [
        reader.text(k) or ""
        for k in ("quarter", "province", "stream", "employer", "address", "occupation")
    ]
    key = "|".join(" ".join(p.casefold().split()) for p in parts)
    return "lmia-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _row(reader: RowReader, raw: dict[str, str], *, lang: str) -> ParsedVacancy | None:
    stream_text = reader.text("stream")
    program = _STREAMS.get(_fold(stream_text)) if stream_text else None
    if stream_text is None:
        reader.error("program", "the program stream is empty")
    elif program is None:
        reader.error(
            "program",
            "stream “%(value)s” is not a temporary-work program this service imports "
            "(expected Primary Agriculture, Low Wage, High Wage, Global Talent Stream or SAWP)",
            value=stream_text,
        )
    employer = reader.text("employer")
    if employer is None:
        reader.error("employer_name", "the employer is empty")
    positions = reader.positions("positions")

    occupation = reader.text("occupation")
    system = code = title = None
    m = _OCCUPATION.match(occupation or "")
    if m:
        code, title = m.group(1), m.group(2)
        system = "NOC2021" if len(code) == 5 else "NOC2011"
    for sys_name, code_key, title_key in (
        ("NOC2021", "noc2021_code", "noc2021_title"),
        ("NOC2011", "noc2011_code", "noc2011_title"),
    ):
        explicit = reader.text(code_key)
        if explicit and explicit.isdigit():
            system, code = sys_name, explicit
            title = title or reader.text(title_key)
    if title is None:
        title = (
            occupation if occupation and occupation.lower() not in {"(blank)", "blank"} else None
        )
    if title is None:
        reader.error("title", "the occupation is empty (%(value)s)", value=occupation or "blank")

    city, addr_prov, postal = parse_address(reader.text("address"))
    province_text = reader.text("province")
    subdivision = ca_province_to_iso(province_text)
    if subdivision is None:
        # "Employers carrying on business in Canada with Head Office outside of Canada": the
        # address is the foreign head office, so it only helps when it names a province.
        subdivision = addr_prov
        if subdivision is None:
            city = postal = None
            reader.warn(
                "worksite",
                "province “%(value)s” is not a Canadian province; worksite left blank",
                value=province_text,
            )

    if reader.errors or not (program and employer and positions and title):
        return None
    return ParsedVacancy(
        external_ref=_ref(reader),
        program=program,
        title=title,
        positions=positions,
        worksite_country="CA",
        source=FORMAT,
        raw=raw,
        employer_name=employer,
        title_lang=lang,
        native_code_system=system,
        native_code=code,
        worksite_subdivision=subdivision,
        worksite_city=city,
        worksite_postal_code=postal,
        housing_provided=True if program in {"CA-TFWP-AG", "CA-SAWP"} else None,
    )


def stream(data: bytes, **_: object) -> ParseStream:
    """Parse lazily; header language picks ``title_lang`` (en/fr)."""
    head = data[:400].decode("utf-8", "ignore").lower()
    lang = "fr" if ("employeur" in head or "territoire" in head) else "en"
    return csv_stream(data, SPEC, FORMAT, lambda r, raw: _row(r, raw, lang=lang))


def parse(data: bytes, **options: object) -> ParsedFile:
    """Parse an ESDC positive LMIA employer list (CSV)."""
    return stream(data, **options).collect()
