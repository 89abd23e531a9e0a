"""Engine and session factory, created lazily on first use (no module-level SessionLocal).

`DATABASE_URL` picks the database: a SQLite file by default, PostgreSQL with
`postgresql+psycopg://user@host:5432/dbname`. The schema is created explicitly by
`init_db()` (idempotent, once per engine); see README "Database".
"""

import threading

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

from ai_receptionist.core.config import clear_settings, get_settings
from ai_receptionist.models import Base

_lock = threading.RLock()
_engine: Engine | None = None
_SessionLocal: sessionmaker | None = None
_schema_ready = False


def _enable_sqlite_foreign_keys(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _build_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # Requests run in a thread pool; the busy timeout makes concurrent writers wait
        # for SQLite's database lock instead of failing with "database is locked".
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, pool_pre_ping=True)


def get_engine() -> Engine:
    global _engine
    with _lock:
        if _engine is None:
            _engine = _build_engine(get_settings().database_url)
        return _engine


def get_session_local() -> sessionmaker:
    """Get the SessionLocal factory."""
    global _SessionLocal
    with _lock:
        if _SessionLocal is None:
            _SessionLocal = sessionmaker(bind=get_engine())
        return _SessionLocal


def init_db() -> None:
    """Create the tables that do not exist yet (CREATE TABLE only, never ALTER or DROP)."""
    global _schema_ready
    with _lock:
        if not _schema_ready:
            Base.metadata.create_all(get_engine())
            _schema_ready = True


def reset_engine() -> None:
    """Dispose and forget the engine, the session factory and the cached settings."""
    global _engine, _SessionLocal, _schema_ready
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _SessionLocal = None
        _schema_ready = False
        clear_settings()
