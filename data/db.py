"""The one object that owns the database engine; everything reaches PostGIS through it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, text

from data.settings import Settings, sqlalchemy_url

# How far behind a hot standby is: nothing when it has replayed all it received (an idle
# primary sends nothing, so the last replayed transaction's age would grow without meaning
# anything), else the age of the last transaction it replayed. Both times are the database
# server's own (one clock on one host), never the app's. NULL on a primary.
STALENESS_SQL = text("""
select case when not pg_is_in_recovery() then null
            when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0.0
            else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0.0)
       end
""")


class Database:
    """Owns the SQLAlchemy engine built from settings.

    Parameters
    ----------
    settings : Settings
        Where the database is.
    engine : Engine, optional
        An engine to use instead (tests pass one bound to their transaction).
    """

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.sqlalchemy_url,
                                            pool_size=settings.db_pool_size,
                                            max_overflow=settings.db_max_overflow)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction that commits on success, rolls back on error."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reads."""
        with self.engine.connect() as conn:
            yield conn

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("select 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not reachable" here
            return False

    def staleness_s(self) -> float | None:
        """Seconds this database is behind its primary; None when it is not a standby."""
        with self.engine.connect() as conn:
            value = conn.execute(STALENESS_SQL).scalar()
        return None if value is None else max(0.0, float(value))

    def dispose(self) -> None:
        self.engine.dispose()


def read_database(settings: Settings, primary: Database) -> Database:
    """Where the wall's, analysts' and leaders' reads go: a second engine on the hot standby
    (``settings.database_replica_url``), else the primary itself.
    """
    if not settings.database_replica_url:
        return primary
    return Database(settings, engine=make_engine(sqlalchemy_url(settings.database_replica_url),
                                                 pool_size=settings.db_pool_size,
                                                 max_overflow=settings.db_max_overflow))


def make_engine(url: str, **kwargs) -> Engine:
    """An engine that survives database restarts (pre-ping) and times out instead of hanging.

    Parameters
    ----------
    url : str
        SQLAlchemy URL with the psycopg2 driver.

    Returns
    -------
    Engine
    """
    options = dict(
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_timeout=10,
        # JIT compiling a plan costs tens of milliseconds (more when the machine is busy)
        # and pays off only for queries of many seconds; ours answer in under one.
        connect_args={"connect_timeout": 5,
                      "options": "-c timezone=UTC -c statement_timeout=60000 -c jit=off"},
    )
    options.update(kwargs)
    return create_engine(url, **options)
