"""Normalise wages, pay periods, currencies and places so that offers can be compared.

Pure functions over plain values: the standard library only, no files, no environment.
Callers pass reference data (exchange rates) in.

Examples
--------
>>> from decimal import Decimal
>>> hourly_wage(Decimal("1727.75"), "month", hours_per_week=Decimal("40"))
Decimal('9.97')
>>> normalize_period("por hora")
'hour'
>>> us_state_to_iso("Washington"), ca_province_to_iso("Québec"), mx_state_to_iso("Chiapas")
('US-WA', 'CA-QC', 'MX-CHP')
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "PERIODS",
    "FxRate",
    "FxRateMissing",
    "FxTable",
    "HourlyWage",
    "ca_province_to_iso",
    "hourly_wage",
    "hourly_wage_detail",
    "mx_state_to_iso",
    "normalize_period",
    "subdivision_to_iso",
    "to_usd",
    "us_state_to_iso",
]

#: Pay periods understood by :func:`hourly_wage`, in the vocabulary of the public API.
PERIODS: tuple[str, ...] = ("hour", "day", "week", "biweekly", "month", "year", "piece")

_CENT = Decimal("0.01")
_WEEKS_PER_YEAR = Decimal(52)
_MONTHS_PER_YEAR = Decimal(12)


def _fold(text: str) -> str:
    """Lower-case, strip accents and collapse punctuation to single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).strip()


# ---------------------------------------------------------------------------------------------
# Pay periods

_PERIOD_SYNONYMS: dict[str, str] = {}
for _period, _words in {
    "hour": "hour hours hr hrs h hourly hora horas horario heure heures horaire",
    "day": "day days daily dia dias diario diaria jour jours journalier quotidien",
    "week": "week weeks wk wks weekly semana semanas semanal semaine semaines hebdomadaire",
    "biweekly": "biweekly biweek fortnight fortnightly catorcenal catorcena bihebdomadaire",
    "month": "month months mo mth monthly mes meses mensual mensuales mois mensuel mensuelle",
    "year": "year years yr yearly annual annually annum ano anos anual annee annuel annuelle an",
    "piece": "piece pieces piecework pieza piezas destajo",
}.items():
    _PERIOD_SYNONYMS[_period] = _period
    for _word in _words.split(" "):
        _PERIOD_SYNONYMS.setdefault(_word, _period)
# Multi-word synonyms, matched on the whole folded phrase.
_PERIOD_PHRASES: dict[str, str] = {
    "bi weekly": "biweekly",
    "every two weeks": "biweekly",
    "every 2 weeks": "biweekly",
    "two weeks": "biweekly",
    "2 weeks": "biweekly",
    "aux deux semaines": "biweekly",
    "piece rate": "piece",
    "a destajo": "piece",
    "a la piece": "piece",
    "per annum": "year",
    "l heure": "hour",
}
_PERIOD_PREFIXES = ("per ", "por ", "par ", "pour ", "a ", "al ", "la ", "de ", "each ", "every ")


def normalize_period(text: str | None) -> str | None:
    """Map a pay-period label in English, Spanish or French to an API period code.

    Parameters
    ----------
    text : str or None
        A label as found in a file: ``"Hour"``, ``"hr"``, ``"Bi-Weekly"``, ``"mensual"``,
        ``"por hora"``, ``"Piece Rate"``, ``"/hr"``, schema.org ``"HOUR"``...

    Returns
    -------
    str or None
        One of :data:`PERIODS`, or ``None`` when the label is empty or not recognised.
        Semi-monthly pay (``"quincenal"``, ``"semi-monthly"``) is a pay *frequency*, not a
        wage period, and is deliberately not recognised.

    Examples
    --------
    >>> [normalize_period(p) for p in ["Hour", "hr", "Month", "mensual", "por hora"]]
    ['hour', 'hour', 'month', 'month', 'hour']
    >>> normalize_period("Bi-Weekly"), normalize_period("Piece Rate"), normalize_period("")
    ('biweekly', 'piece', None)
    """
    if text is None:
        return None
    folded = _fold(text)
    if not folded:
        return None
    for _ in range(2):  # "per hour", "a la pieza"
        for prefix in _PERIOD_PREFIXES:
            if folded.startswith(prefix) and folded[len(prefix) :]:
                folded = folded[len(prefix) :]
    if folded in _PERIOD_PHRASES:
        return _PERIOD_PHRASES[folded]
    return _PERIOD_SYNONYMS.get(folded)


# ---------------------------------------------------------------------------------------------
# Wages


@dataclass(frozen=True)
class HourlyWage:
    """An hourly figure and, when it could not be computed, why.

    Attributes
    ----------
    amount : Decimal or None
        The hourly equivalent rounded to the cent, or ``None``.
    reason : str
        Empty when the figure is a straight conversion; otherwise a short explanation
        (missing hours, piece rate, guaranteed floor used).
    """

    amount: Decimal | None
    reason: str = ""


def hourly_wage_detail(
    amount: Decimal,
    per: str,
    *,
    hours_per_week: Decimal | None,
    days_per_week: Decimal = Decimal(5),
    guaranteed_hourly: Decimal | None = None,
) -> HourlyWage:
    """Convert a wage to its hourly equivalent and say how.

    Same arguments as :func:`hourly_wage`; returns an :class:`HourlyWage` whose ``reason``
    explains a ``None`` (or a piece-rate floor).

    Examples
    --------
    >>> from decimal import Decimal
    >>> hourly_wage_detail(Decimal("0.90"), "piece", hours_per_week=None)
    HourlyWage(amount=None, reason='piece rate: no hourly equivalent without a guaranteed floor')
    >>> hourly_wage_detail(Decimal("500"), "week", hours_per_week=None).reason
    'needs hours per week to convert a week wage'
    """
    period = normalize_period(per) if per not in PERIODS else per
    if period is None:
        raise ValueError(f"unknown pay period {per!r}; expected one of {', '.join(PERIODS)}")
    amount = Decimal(amount)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"wage amount must be a non-negative number, got {amount}")
    if period == "hour":
        return HourlyWage(amount.quantize(_CENT, ROUND_HALF_UP))
    if period == "piece":
        if guaranteed_hourly is not None:
            return HourlyWage(
                Decimal(guaranteed_hourly).quantize(_CENT, ROUND_HALF_UP),
                "piece rate: guaranteed hourly floor used",
            )
        return HourlyWage(None, "piece rate: no hourly equivalent without a guaranteed floor")
    if hours_per_week is None or hours_per_week <= 0:
        return HourlyWage(None, f"needs hours per week to convert a {period} wage")
    hours = Decimal(hours_per_week)
    weekly: Decimal
    if period == "day":
        if days_per_week <= 0:
            return HourlyWage(None, "needs days per week to convert a day wage")
        weekly = amount * Decimal(days_per_week)
    elif period == "week":
        weekly = amount
    elif period == "biweekly":
        weekly = amount / 2
    elif period == "month":
        weekly = amount * _MONTHS_PER_YEAR / _WEEKS_PER_YEAR
    else:  # year
        weekly = amount / _WEEKS_PER_YEAR
    return HourlyWage((weekly / hours).quantize(_CENT, ROUND_HALF_UP))


def hourly_wage(
    amount: Decimal,
    per: str,
    *,
    hours_per_week: Decimal | None,
    days_per_week: Decimal = Decimal(5),
    guaranteed_hourly: Decimal | None = None,
) -> Decimal | None:
    """Hourly equivalent of a wage, rounded to the cent.

    Parameters
    ----------
    amount : Decimal
        The wage as offered (non-negative).
    per : str
        ``hour``, ``day``, ``week``, ``biweekly``, ``month``, ``year`` or ``piece`` (any label
        :func:`normalize_period` understands is accepted too).
    hours_per_week : Decimal or None
        Needed for every period except ``hour`` and ``piece``; ``None`` or zero gives ``None``.
    days_per_week : Decimal, default 5
        Used for day wages: hourly = amount x days_per_week / hours_per_week.
    guaranteed_hourly : Decimal or None
        For piece rates, the hourly floor the employer guarantees (e.g. the AEWR); returned
        as the hourly figure when given.

    Returns
    -------
    Decimal or None
        ``None`` for a pure piece rate or when the hours needed are unknown; see
        :func:`hourly_wage_detail` for the reason.

    Raises
    ------
    ValueError
        For an unknown period or a negative amount.

    Notes
    -----
    A month is 52/12 weeks; a year is 52 weeks.

    Examples
    --------
    >>> from decimal import Decimal
    >>> hourly_wage(Decimal("17.13"), "hour", hours_per_week=None)
    Decimal('17.13')
    >>> hourly_wage(Decimal("1500"), "biweekly", hours_per_week=Decimal("40"))
    Decimal('18.75')
    >>> hourly_wage(Decimal("120"), "day", hours_per_week=Decimal("48"), days_per_week=Decimal(6))
    Decimal('15.00')
    >>> hourly_wage(Decimal("0.90"), "piece", hours_per_week=None) is None
    True
    >>> hourly_wage(Decimal("0.90"), "piece", hours_per_week=None, guaranteed_hourly=Decimal("16"))
    Decimal('16.00')
    """
    return hourly_wage_detail(
        amount,
        per,
        hours_per_week=hours_per_week,
        days_per_week=days_per_week,
        guaranteed_hourly=guaranteed_hourly,
    ).amount


# ---------------------------------------------------------------------------------------------
# Currencies


class FxRateMissing(LookupError):
    """No exchange rate for that currency on or before that date."""


@dataclass(frozen=True)
class FxRate:
    """One dated conversion rate: 1 unit of ``currency`` = ``rate`` US dollars.

    ``as_of`` is the first date on which the rate applies.
    """

    currency: str
    as_of: date
    rate: Decimal
    source: str = ""
    certainty: str = ""


@dataclass(frozen=True)
class FxTable:
    """Dated USD conversion rates; a lookup picks the latest rate on or before a date.

    Build it from data the caller loaded (for example ``data/wages/fx_rates.toml``).

    Examples
    --------
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> table = FxTable.from_records([
    ...     {"currency": "CAD", "as_of": "2024-01-01", "rate": "0.73"},
    ...     {"currency": "CAD", "as_of": "2025-01-01", "rate": "0.72"},
    ... ])
    >>> table.rate("CAD", date(2025, 6, 1)).rate
    Decimal('0.72')
    >>> table.rate("cad", date(2024, 12, 31)).rate
    Decimal('0.73')
    """

    rates: Mapping[str, tuple[FxRate, ...]] = field(default_factory=dict)

    @classmethod
    def from_rates(cls, rates: Iterable[FxRate]) -> FxTable:
        """Index :class:`FxRate` objects by currency, sorted by date."""
        by_currency: dict[str, list[FxRate]] = {}
        for item in rates:
            if item.rate <= 0:
                raise ValueError(f"{item.currency} rate on {item.as_of} must be positive")
            by_currency.setdefault(item.currency.upper(), []).append(item)
        return cls(
            {
                code: tuple(sorted(items, key=lambda r: r.as_of))
                for code, items in by_currency.items()
            }
        )

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object]]) -> FxTable:
        """Build from mappings with ``currency``, ``as_of`` (date or ISO string), ``rate``.

        Optional keys ``source`` and ``certainty`` are kept.
        """
        items = []
        for rec in records:
            as_of = rec["as_of"]
            if not isinstance(as_of, date):
                as_of = date.fromisoformat(str(as_of))
            try:
                rate = Decimal(str(rec["rate"]))
            except InvalidOperation as exc:
                raise ValueError(f"bad rate {rec['rate']!r}") from exc
            items.append(
                FxRate(
                    currency=str(rec["currency"]).upper(),
                    as_of=as_of,
                    rate=rate,
                    source=str(rec.get("source", "")),
                    certainty=str(rec.get("certainty", "")),
                )
            )
        return cls.from_rates(items)

    def rate(self, currency: str, on: date) -> FxRate:
        """The latest rate for ``currency`` whose ``as_of`` is on or before ``on``.

        USD always converts at 1 even when the table has no USD row.
        """
        code = currency.upper()
        series = self.rates.get(code)
        if not series:
            if code == "USD":
                return FxRate("USD", date.min, Decimal(1), "identity")
            raise FxRateMissing(f"no exchange rate for {code}")
        dates = [r.as_of for r in series]
        index = bisect.bisect_right(dates, on) - 1
        if index < 0:
            raise FxRateMissing(f"no {code} rate on or before {on.isoformat()}")
        return series[index]


def to_usd(amount: Decimal, currency: str, on: date, rates: FxTable) -> Decimal:
    """Convert an amount to US dollars with the rate in force on a date, to the cent.

    Parameters
    ----------
    amount : Decimal
    currency : str
        ISO 4217 code (``CAD``, ``MXN``, ``GTQ``, ``HNL``, ``USD``).
    on : date
        The date the rate must apply to (the latest rate on or before it is used).
    rates : FxTable

    Raises
    ------
    FxRateMissing
        When the table has no rate for that currency on or before ``on``.

    Examples
    --------
    >>> from datetime import date
    >>> from decimal import Decimal
    >>> table = FxTable.from_records([{"currency": "MXN", "as_of": "2025-01-01", "rate": "0.052"}])
    >>> to_usd(Decimal("300"), "MXN", date(2025, 7, 1), table)
    Decimal('15.60')
    >>> to_usd(Decimal("17.13"), "USD", date(2025, 7, 1), table)
    Decimal('17.13')
    """
    fx = rates.rate(currency, on)
    return (Decimal(amount) * fx.rate).quantize(_CENT, ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Subdivisions (ISO 3166-2)

US_STATES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "UM": "United States Minor Outlying Islands",
    "VI": "Virgin Islands, U.S.",
}  # fmt: skip
_US_EXTRA = {
    "washington dc": "DC", "washington d c": "DC", "d c": "DC",
    "us virgin islands": "VI", "virgin islands": "VI", "u s virgin islands": "VI",
    "commonwealth of the northern mariana islands": "MP", "cnmi": "MP",
    "commonwealth of puerto rico": "PR",
}  # fmt: skip

CA_PROVINCES: dict[str, str] = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon",
}  # fmt: skip
_CA_EXTRA = {
    # French names and common abbreviations.
    "colombie britannique": "BC", "nouveau brunswick": "NB", "terre neuve et labrador": "NL",
    "nouvelle ecosse": "NS", "territoires du nord ouest": "NT", "ile du prince edouard": "PE",
    "quebec province": "QC", "province de quebec": "QC", "yukon territory": "YT",
    "newfoundland": "NL", "nfld": "NL", "nf": "NL", "pei": "PE", "p e i": "PE", "que": "QC",
    "pq": "QC", "nwt": "NT", "n w t": "NT", "alta": "AB", "sask": "SK", "man": "MB",
    "ont": "ON", "b c": "BC", "n b": "NB", "n s": "NS", "yk": "YT",
}  # fmt: skip

MX_STATES: dict[str, str] = {
    "AGU": "Aguascalientes", "BCN": "Baja California", "BCS": "Baja California Sur",
    "CAM": "Campeche", "CHP": "Chiapas", "CHH": "Chihuahua", "CMX": "Ciudad de México",
    "COA": "Coahuila de Zaragoza", "COL": "Colima", "DUR": "Durango", "GUA": "Guanajuato",
    "GRO": "Guerrero", "HID": "Hidalgo", "JAL": "Jalisco", "MEX": "México",
    "MIC": "Michoacán de Ocampo", "MOR": "Morelos", "NAY": "Nayarit", "NLE": "Nuevo León",
    "OAX": "Oaxaca", "PUE": "Puebla", "QUE": "Querétaro", "ROO": "Quintana Roo",
    "SLP": "San Luis Potosí", "SIN": "Sinaloa", "SON": "Sonora", "TAB": "Tabasco",
    "TAM": "Tamaulipas", "TLA": "Tlaxcala", "VER": "Veracruz de Ignacio de la Llave",
    "YUC": "Yucatán", "ZAC": "Zacatecas",
}  # fmt: skip
_MX_EXTRA = {
    "cdmx": "CMX", "distrito federal": "CMX", "df": "CMX", "d f": "CMX",
    "mexico city": "CMX", "ciudad de mexico": "CMX",
    "estado de mexico": "MEX", "edo de mexico": "MEX", "edomex": "MEX", "state of mexico": "MEX",
    "coahuila": "COA", "michoacan": "MIC", "veracruz": "VER", "queretaro de arteaga": "QUE",
    "baja california norte": "BCN", "nuevo leon": "NLE", "san luis potosi": "SLP",
    "yucatan": "YUC", "queretaro": "QUE",
}  # fmt: skip


def _build_index(codes: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name in codes.items():
        index[_fold(code)] = code
        index[_fold(name)] = code
    for alias, code in extra.items():
        index[_fold(alias)] = code
    return index


_US_INDEX = _build_index(US_STATES, _US_EXTRA)
_CA_INDEX = _build_index(CA_PROVINCES, _CA_EXTRA)
_MX_INDEX = _build_index(MX_STATES, _MX_EXTRA)


def _lookup(text: str | None, country: str, index: Mapping[str, str]) -> str | None:
    if text is None:
        return None
    folded = _fold(text)
    prefix = country.lower() + " "
    if folded.startswith(prefix) and folded[len(prefix) :].upper() in index.values():
        folded = folded[len(prefix) :]  # already ISO 3166-2: "US-WA"
    code = index.get(folded)
    return f"{country}-{code}" if code else None


def us_state_to_iso(text: str | None) -> str | None:
    """ISO 3166-2 code of a US state, DC or territory from its USPS code or name.

    Examples
    --------
    >>> us_state_to_iso("WA"), us_state_to_iso("Washington"), us_state_to_iso("NORTH DAKOTA")
    ('US-WA', 'US-WA', 'US-ND')
    >>> us_state_to_iso("PR"), us_state_to_iso("US-TX"), us_state_to_iso("Ontario")
    ('US-PR', 'US-TX', None)
    """
    return _lookup(text, "US", _US_INDEX)


def ca_province_to_iso(text: str | None) -> str | None:
    """ISO 3166-2 code of a Canadian province or territory (English or French name, code).

    Examples
    --------
    >>> ca_province_to_iso("ON"), ca_province_to_iso("Ontario"), ca_province_to_iso("Québec")
    ('CA-ON', 'CA-ON', 'CA-QC')
    >>> ca_province_to_iso("Colombie-Britannique"), ca_province_to_iso("Head office abroad")
    ('CA-BC', None)
    """
    return _lookup(text, "CA", _CA_INDEX)


def mx_state_to_iso(text: str | None) -> str | None:
    """ISO 3166-2 code of a Mexican state or Mexico City (name with or without accents).

    Examples
    --------
    >>> mx_state_to_iso("Chiapas"), mx_state_to_iso("CDMX"), mx_state_to_iso("Nuevo Leon")
    ('MX-CHP', 'MX-CMX', 'MX-NLE')
    >>> mx_state_to_iso("Estado de México"), mx_state_to_iso("MX-OAX")
    ('MX-MEX', 'MX-OAX')
    """
    return _lookup(text, "MX", _MX_INDEX)


def subdivision_to_iso(country: str, text: str | None) -> str | None:
    """Dispatch to the US, Canadian or Mexican helper by ISO alpha-2 country code.

    Other countries: a value already shaped like ``"GT-QZ"`` is returned upper-cased,
    anything else gives ``None``.

    Examples
    --------
    >>> subdivision_to_iso("CA", "BC"), subdivision_to_iso("gt", "gt-qz")
    ('CA-BC', 'GT-QZ')
    """
    country = country.upper()
    helpers = {"US": us_state_to_iso, "CA": ca_province_to_iso, "MX": mx_state_to_iso}
    if country in helpers:
        return helpers[country](text)
    if text and re.fullmatch(rf"{country}-[A-Z0-9]{{1,3}}", text.strip().upper()):
        return text.strip().upper()
    return None
