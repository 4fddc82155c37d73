"""Derive data/demo/demand_profile.csv from the real public demand files (run by hand).

    python data/demo/derive_demand_profile.py ../shared/data > data/demo/demand_profile.csv

Input (see ../shared/data/PROVENANCE.md): the US DOL SeasonalJobs job-order snapshot of
2026-01-15 and ESDC's positive-LMIA employer list for 2024 Q4 (NOC 2021). Output: one row per
group of real vacancies — program, job title as employers write it, worksite subdivision,
usual start month and length, median wage, median positions per order — with the number of
orders and positions behind it as the sampling weight. No employer names, no single order.

Mexico publishes no vacancy file; its rows are written by hand at the end of the output
(illustrative, marked as such in the `source` column).
"""

from __future__ import annotations

import csv
import statistics
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

US_STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA",
    "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD",
    "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS",
    "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA",
    "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN",
    "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
}
PROVINCES = {
    "Newfoundland and Labrador": "NL", "Prince Edward Island": "PE", "Nova Scotia": "NS",
    "New Brunswick": "NB", "Quebec": "QC", "Ontario": "ON", "Manitoba": "MB",
    "Saskatchewan": "SK", "Alberta": "AB", "British Columbia": "BC", "Yukon": "YT",
    "Northwest Territories": "NT", "Nunavut": "NU",
}
STREAMS = {
    "Primary Agriculture": "CA-TFWP-AG",
    "Seasonal Agricultural Worker Program": "CA-SAWP",
    "Low Wage": "CA-TFWP-LOW",
    "High Wage": "CA-TFWP-HIGH",
}
# Months of work and wage as a share of the province's median-wage threshold, per stream: the
# LMIA list gives neither, so these shape the demo and are not facts (see README.md).
CA_SHAPE = {
    "CA-TFWP-AG": (4, 8, 0.62),
    "CA-SAWP": (5, 7, 0.60),
    "CA-TFWP-LOW": (12, 12, 0.72),
    "CA-TFWP-HIGH": (24, 24, 1.08),
}
FIELDS = [
    "program", "title", "title_lang", "code_system", "code", "subdivision", "start_month",
    "months", "wage_amount", "wage_currency", "wage_per", "positions", "orders", "weight",
    "source",
]
SEASONALJOBS = "US DOL SeasonalJobs.dol.gov job orders, snapshot 2026-01-15 (derived)"
LMIA = "ESDC positive LMIA employer list 2024 Q4, NOC 2021 (derived)"


def us_rows(shared: Path) -> list[dict[str, object]]:
    path = shared / "us_oflc" / "seasonaljobs_job_orders_snapshot_2026-01.csv"
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in csv.DictReader(path.open(encoding="utf-8")):
        state = US_STATES.get(row["worksite_state"].strip().upper())
        if not state or row["pay_range_desc"] not in ("Hour", "Month"):
            continue
        key_title = " ".join(row["job_title"].upper().split())
        spellings[key_title][row["job_title"].strip()] += 1
        groups[(row["visa_class"], key_title, state)].append(row)
    out = []
    for (visa, key_title, state), orders in groups.items():
        if len(orders) < 3:
            continue
        title = max(spellings[key_title].items(), key=lambda kv: kv[1])[0]
        starts = [date.fromisoformat(o["begin_date"][:10]) for o in orders]
        ends = [date.fromisoformat(o["end_date"][:10]) for o in orders]
        months = statistics.median(
            max(1, round((e - s).days / 30.4)) for s, e in zip(starts, ends, strict=True)
        )
        # An "hourly" rate above 100 USD is a monthly or yearly figure filed under the wrong
        # period (range herders); it is left out rather than guessed.
        hourly = [
            o for o in orders if o["pay_range_desc"] == "Hour" and float(o["basic_rate_from"]) < 100
        ]
        use = hourly or orders
        out.append({
            "program": "US-H2A" if visa == "H-2A" else "US-H2B",
            "title": title,
            "title_lang": "en",
            "code_system": "",
            "code": "",
            "subdivision": f"US-{state}",
            "start_month": statistics.mode(s.month for s in starts),
            "months": int(months),
            "wage_amount": round(statistics.median(float(o["basic_rate_from"]) for o in use), 2),
            "wage_currency": "USD",
            "wage_per": "hour" if hourly else "month",
            "positions": int(statistics.median(int(float(o["total_positions"])) for o in orders)),
            "orders": len(orders),
            "weight": sum(int(float(o["total_positions"])) for o in orders),
            "source": SEASONALJOBS,
        })
    return out


def ca_rows(shared: Path) -> list[dict[str, object]]:
    thresholds: dict[str, float] = {}
    wages = shared / "wages" / "tfwp_median_hourly_wage_by_province.csv"
    for row in csv.DictReader(wages.open(encoding="utf-8")):
        if row["effective_from"].startswith("2024"):  # the vintage in force in 2024 Q4
            thresholds[row["province_code"]] = float(row["median_hourly_wage_cad"])
    path = shared / "canada_tfwp" / "tfwp_positive_lmia_employers_2024q4_noc2021.csv"
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in csv.DictReader(path.open(encoding="utf-8")):
        program = STREAMS.get(row["Program Stream"].strip())
        province = PROVINCES.get(row["Province/Territory"].strip())
        if program and province and row["NOC_2021_CODE"]:
            groups[(program, row["NOC_2021_CODE"], province)].append(row)
    out = []
    for (program, noc, province), employers in groups.items():
        positions = sum(int(e["Approved Positions"] or 0) for e in employers)
        if positions < 5 or province not in thresholds:
            continue
        low, high, share = CA_SHAPE[program]
        out.append({
            "program": program,
            "title": employers[0]["NOC_2021_TITLE"],
            "title_lang": "en",
            "code_system": "NOC2021",
            "code": noc,
            "subdivision": f"CA-{province}",
            "start_month": 4 if program in ("CA-TFWP-AG", "CA-SAWP") else 1,
            "months": low if low == high else (low + high) // 2,
            "wage_amount": round(thresholds[province] * share, 2),
            "wage_currency": "CAD",
            "wage_per": "hour",
            "positions": max(1, round(positions / len(employers))),
            "orders": len(employers),
            "weight": positions,
            "source": LMIA,
        })
    return out


# Written by hand: Mexico publishes no vacancy file, and ESDC counts SAWP positions inside
# Primary Agriculture. Wages are multiples of Mexico's 2026 general minimum wage (315.04 MXN a
# day, CONASAMI) or of Ontario's 2024 median-wage threshold; positions and seasons are
# illustrative. (program, title, lang, system, code, subdivision, start month, months, wage,
# currency, per, positions, weight)
ILLUSTRATIVE = [
    ("CA-SAWP", "Harvesting labourers", "en", "NOC2021", "85101", "CA-ON", 4, 7, 17.6, "CAD", "hour", 12, 2400),
    ("CA-SAWP", "Nursery and greenhouse labourers", "en", "NOC2021", "85103", "CA-ON", 2, 8, 17.6, "CAD", "hour", 10, 1600),
    ("CA-SAWP", "Ouvriers agricoles", "fr", "NOC2021", "85100", "CA-QC", 5, 6, 17.03, "CAD", "hour", 8, 900),
    ("CA-SAWP", "Harvesting labourers", "en", "NOC2021", "85101", "CA-BC", 5, 6, 17.89, "CAD", "hour", 10, 800),
    ("MX-TVTF", "Jornalero agrícola (café)", "es", "", "", "MX-CHP", 10, 5, 380.0, "MXN", "day", 15, 2500),
    ("MX-TVTF", "Cortador de plátano", "es", "", "", "MX-CHP", 1, 10, 360.0, "MXN", "day", 10, 1500),
    ("MX-TVTF", "Ayudante de albañil", "es", "", "", "MX-CHP", 2, 6, 400.0, "MXN", "day", 6, 700),
    ("MX-TVTF", "Trabajadora del hogar", "es", "", "", "MX-CHP", 1, 12, 350.0, "MXN", "day", 2, 500),
    ("MX-TVTF", "Cortador de caña", "es", "", "", "MX-TAB", 11, 5, 370.0, "MXN", "day", 20, 900),
    ("MX-TVTF", "Camarista de hotel", "es", "", "", "MX-ROO", 1, 12, 420.0, "MXN", "day", 5, 600),
    ("MX-TVTF", "Peón de construcción", "es", "", "", "MX-CAM", 3, 6, 400.0, "MXN", "day", 8, 400),
    ("MX-RT-WORK", "Cocinero", "es", "", "", "MX-ROO", 1, 12, 480.0, "MXN", "day", 4, 500),
    ("MX-RT-WORK", "Soldador", "es", "", "", "MX-NLE", 1, 12, 550.0, "MXN", "day", 3, 400),
    ("MX-RT-WORK", "Operador de maquinaria agrícola", "es", "", "", "MX-SIN", 10, 8, 480.0, "MXN", "day", 5, 500),
    ("MX-RT-WORK", "Jornalero agrícola (hortalizas)", "es", "", "", "MX-BCN", 9, 9, 420.0, "MXN", "day", 20, 900),
]


def illustrative_rows() -> list[dict[str, object]]:
    keys = FIELDS[:12] + ["weight"]
    return [
        {**dict(zip(keys, row, strict=True)), "orders": 0, "source": "illustrative (see README.md)"}
        for row in ILLUSTRATIVE
    ]


def main() -> None:
    shared = Path(sys.argv[1])
    rows = sorted(
        us_rows(shared) + ca_rows(shared) + illustrative_rows(),
        key=lambda r: (str(r["program"]), -int(r["weight"]), str(r["title"])),  # type: ignore[call-overload]
    )
    writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


if __name__ == "__main__":
    main()
