"""Copy a whole store into another database: a large fill made once (``bench/http_scale.py`` into
SQLite, an hour for 100k reports) measured on PostgreSQL too without filling it again.

    .venv/bin/python bench/copy_store.py sqlite+aiosqlite:////tmp/hs/http-100000.sqlite3 \\
        postgresql+asyncpg://postgres@127.0.0.1:5432/hs_100000

The target (an empty database) is migrated to the source's revision, then every table is copied
row for row, ids included, in the order of their foreign keys, 5000 rows per statement; on
PostgreSQL each id sequence is then moved past the largest copied id, so that new rows can be
stored. What the service reads is the same as in the source: the same reports, items,
remediations, latest mentions and ids.
"""

from __future__ import annotations

import argparse
import time

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from db.migrate import upgrade

BATCH = 5000


def sync_url(url: str) -> sa.URL:
    parsed = make_url(url)
    driver = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql+psycopg"
    return parsed.set(drivername=driver)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", help="database URL of the store to copy")
    parser.add_argument("target", help="database URL of an empty database")
    args = parser.parse_args()
    source = sa.create_engine(sync_url(args.source))
    target = sa.create_engine(sync_url(args.target))
    with source.connect() as reading:
        revision = reading.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    upgrade(args.target, revision)
    tables = sa.MetaData()
    tables.reflect(source)
    into = sa.MetaData()
    into.reflect(target)
    start = time.perf_counter()
    with source.connect() as reading, target.begin() as writing:
        for table in tables.sorted_tables:
            if table.name == "alembic_version":
                continue
            columns = [column.name for column in table.columns]
            destination = into.tables[table.name]
            rows = reading.execution_options(yield_per=BATCH).execute(
                sa.select(*(table.c[name] for name in columns)).order_by(*table.primary_key)
            )
            copied = 0
            for batch in rows.partitions(BATCH):
                rows_in = [dict(zip(columns, row, strict=True)) for row in batch]
                writing.execute(destination.insert(), rows_in)
                copied += len(batch)
            print(f"{table.name}: {copied} rows", flush=True)
            if target.dialect.name == "postgresql" and "id" in destination.c:
                writing.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - reflected table names
                        f'(SELECT coalesce(max(id), 0) + 1 FROM "{table.name}"), false)'
                    )
                )
    print(f"copied in {time.perf_counter() - start:.0f} s")
    source.dispose()
    target.dispose()


if __name__ == "__main__":
    main()
