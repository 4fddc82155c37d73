"""Backups that move between databases: `pathways export` writes every table to one file,
`pathways import-dump` loads it into an empty database of the same schema, SQLite or
PostgreSQL alike.

The file is gzip-compressed JSON lines: a header (format, schema revision, tables), then per
table a line naming its columns, its rows as arrays in primary-key order, and a line with
its row count, which the import checks. Values keep their type through the columns' types:
timestamps as ISO 8601 with their offset, dates as ISO dates, bytes as base64; JSON columns
as they are. Everything is read in one snapshot and written in one transaction, so a dump
is consistent and a failed load leaves the target as it was.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import Date, LargeBinary, Table, func, select, text
from sqlalchemy.engine import Connection, Engine

from pathways import migrate
from pathways.db import UTCDateTime, metadata

FORMAT = "pathways-dump"
VERSION = 1
BATCH = 2000


class DumpError(Exception):
    """The file is not a dump this database can load; the message says why."""


@dataclass
class DumpSummary:
    schema: str | None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def tables() -> list[Table]:
    """Every table of the application, parents before the tables that point at them."""
    import pathways.models  # noqa: F401 - registers the tables on the metadata

    return list(metadata.sorted_tables)


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"cannot write {type(value).__name__}")


def _decoders(table: Table) -> dict[str, Callable[[Any], Any] | None]:
    """Per column, what turns its written form back into its value (None: as read)."""
    out: dict[str, Callable[[Any], Any] | None] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, UTCDateTime):
            out[column.name] = datetime.fromisoformat
        elif isinstance(kind, Date):
            out[column.name] = date.fromisoformat
        elif isinstance(kind, LargeBinary):
            out[column.name] = lambda v: base64.b64decode(v["$b64"])
        else:
            out[column.name] = None
    return out


def _line(obj: Any) -> bytes:
    return orjson.dumps(obj, default=_encode) + b"\n"


def _snapshot(engine: Engine) -> Connection:
    """A connection reading one consistent state: REPEATABLE READ on PostgreSQL; on SQLite a
    deferred read transaction (WAL gives it a snapshot without taking the write lock)."""
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="REPEATABLE READ")
    return engine.connect().execution_options(sqlite_begin="BEGIN")


def export(
    engine: Engine, out: IO[bytes], progress: Callable[[str, int], None] | None = None
) -> DumpSummary:
    """Write every table of `engine` to `out` (a binary file; gzip is applied here)."""
    summary = DumpSummary(schema=migrate.current_revision(engine))
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as gz, _snapshot(engine) as conn:
        all_tables = tables()
        gz.write(
            _line(
                {
                    "format": FORMAT,
                    "version": VERSION,
                    "schema": summary.schema,
                    "dialect": engine.dialect.name,
                    "tables": [t.name for t in all_tables],
                }
            )
        )
        for table in all_tables:
            columns = [c.name for c in table.columns]
            gz.write(_line({"table": table.name, "columns": columns}))
            order = list(table.primary_key.columns) or list(table.columns)
            count = 0
            result = conn.execution_options(yield_per=BATCH).execute(
                select(*table.columns).order_by(*order)
            )
            for rows in result.partitions():
                gz.write(b"".join(_line(list(row)) for row in rows))
                count += len(rows)
            gz.write(_line({"end": table.name, "rows": count}))
            summary.rows[table.name] = count
            if progress is not None:
                progress(table.name, count)
        conn.rollback()
    return summary


def _records(source: IO[bytes]) -> Iterator[Any]:
    with gzip.GzipFile(fileobj=source, mode="rb") as gz:
        try:
            for number, raw in enumerate(gz, start=1):
                try:
                    yield orjson.loads(raw)
                except orjson.JSONDecodeError:
                    raise DumpError(f"line {number} of the dump is not JSON") from None
        except (OSError, EOFError) as exc:  # not gzip, or cut short
            raise DumpError(f"the dump cannot be read: {exc}") from None


def rows_in(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in tables()
        }


def import_dump(
    engine: Engine,
    source: IO[bytes],
    *,
    replace: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> DumpSummary:
    """Load a dump into `engine`, all or nothing. The database must be at the dump's schema
    revision and empty, unless `replace` (its rows are deleted in the same transaction)."""
    records = _records(source)
    header = next(records, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise DumpError("this file is not a Pathways dump (made by `pathways export`)")
    if header.get("version") != VERSION:
        raise DumpError(f"dump format version {header.get('version')} is not supported")
    current = migrate.current_revision(engine)
    if header.get("schema") != current:
        raise DumpError(
            f"the dump is of schema {header.get('schema')}, the database is at {current}: "
            "bring the database to the dump's revision (`pathways db upgrade`) first"
        )
    known = {t.name: t for t in tables()}
    unknown = [name for name in header.get("tables", []) if name not in known]
    if unknown:
        raise DumpError(f"the dump has tables this version does not know: {', '.join(unknown)}")
    if not replace:
        occupied = {name: n for name, n in rows_in(engine).items() if n}
        if occupied:
            listed = ", ".join(f"{name} ({n})" for name, n in occupied.items())
            raise DumpError(
                f"the database is not empty ({listed}); load into an empty one, or pass --replace"
            )
    summary = DumpSummary(schema=current)
    with engine.begin() as conn:
        if replace:
            for table in reversed(tables()):
                conn.execute(table.delete())
        _load(conn, records, known, summary, progress)
        missing = [name for name in header.get("tables", []) if name not in summary.rows]
        if missing:
            raise DumpError(f"the dump ends before table {missing[0]}: it is incomplete")
        if engine.dialect.name == "postgresql":
            _advance_sequences(conn, [known[name] for name in summary.rows])
    return summary


def _load(
    conn: Connection,
    records: Iterator[Any],
    known: dict[str, Table],
    summary: DumpSummary,
    progress: Callable[[str, int], None] | None,
) -> None:
    table: Table | None = None
    names: list[str] = []
    decode: list[Callable[[Any], Any] | None] = []
    batch: list[dict[str, Any]] = []
    count = 0
    for record in records:
        if isinstance(record, list):
            if table is None or len(record) != len(names):
                raise DumpError("a row of the dump is outside a table or has the wrong width")
            batch.append(
                {
                    name: (fn(value) if fn is not None and value is not None else value)
                    for name, fn, value in zip(names, decode, record, strict=True)
                }
            )
            count += 1
            if len(batch) >= BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        elif isinstance(record, dict) and "table" in record:
            table = known.get(record["table"])
            if table is None:
                raise DumpError(f"unknown table {record['table']!r} in the dump")
            names = list(record["columns"])
            by_name = _decoders(table)
            if set(names) != set(by_name):
                raise DumpError(
                    f"the columns of {table.name} in the dump differ from the database's"
                )
            decode = [by_name[name] for name in names]
            count = 0
        elif isinstance(record, dict) and "end" in record:
            if table is None or record["end"] != table.name:
                raise DumpError("the dump's table markers do not match")
            if batch:
                conn.execute(table.insert(), batch)
                batch = []
            if record.get("rows") != count:
                raise DumpError(
                    f"table {table.name}: the dump says {record.get('rows')} rows, it holds {count}"
                )
            summary.rows[table.name] = count
            if progress is not None:
                progress(table.name, count)
            table = None
        else:
            raise DumpError("the dump holds a line this version does not understand")
    if table is not None:
        raise DumpError(f"the dump ends inside table {table.name}: it is incomplete")


def _advance_sequences(conn: Connection, loaded: list[Table]) -> None:
    """PostgreSQL: explicit ids do not move the id sequences; set each past its table's max."""
    for table in loaded:
        if "id" not in table.columns or not table.columns["id"].primary_key:
            continue
        quoted = f'"{table.name}"'
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:t, 'id'), COALESCE(MAX(id), 1), "
                f"MAX(id) IS NOT NULL) FROM {quoted}"
            ),
            {"t": quoted},
        )


def export_to(path: Path, engine: Engine, **kw: Any) -> DumpSummary:
    with path.open("wb") as out:
        return export(engine, out, **kw)


def import_from(path: Path, engine: Engine, **kw: Any) -> DumpSummary:
    with path.open("rb") as source:
        return import_dump(engine, source, **kw)
