"""Settings: parsing, defaults, refusals."""
from dataclasses import FrozenInstanceError

import pytest

from data.settings import Settings, parse_bool


@pytest.mark.parametrize("text,expected", [("1", True), ("true", True), ("On", True),
                                           ("0", False), ("no", False), ("", False)])
def test_parse_bool(text, expected):
    assert parse_bool(text) is expected


def test_parse_bool_refuses_garbage():
    with pytest.raises(ValueError, match="not a boolean"):
        parse_bool("maybe")


def test_defaults_use_local_cluster():
    s = Settings.from_env({})
    assert s.database_url == "postgresql://postgres@127.0.0.1:54329/hongqiao"
    assert s.database_from_env is False
    assert s.sqlalchemy_url.startswith("postgresql+psycopg2://")
    assert s.timezone == "Asia/Shanghai" and s.language == "zh" and s.basemap == "none"


def test_database_url_from_env_is_used_as_is():
    s = Settings.from_env({"DATABASE_URL": "postgresql://u:p@db:5432/x", "HQ_PORT": "9000"})
    assert s.database_from_env and s.database_url == "postgresql://u:p@db:5432/x"
    assert s.sqlalchemy_url == "postgresql+psycopg2://u:p@db:5432/x"
    assert s.port == 9000


@pytest.mark.parametrize("env,message", [
    ({"HQ_LANGUAGE": "fr"}, "HQ_LANGUAGE"),
    ({"HQ_BASEMAP": "google"}, "HQ_BASEMAP"),
    ({"HQ_BASEMAP": "tianditu"}, "HQ_TIANDITU_KEY"),
    ({"HQ_BASEMAP": "xyz"}, "HQ_XYZ_URL"),
    ({"HQ_PRODUCTION": "1"}, "SECRET_KEY"),
    ({"HQ_PRODUCTION": "1", "SECRET_KEY": "s3cret-s3cret-s3cret"}, "DEMO_PASSWORD"),
    ({"HQ_PRODUCTION": "1", "SECRET_KEY": "short"}, "at least 16"),
])
def test_bad_settings_are_refused(env, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env(env)


def test_production_with_real_secrets_is_accepted():
    s = Settings.from_env({"HQ_PRODUCTION": "true", "SECRET_KEY": "x" * 32,
                           "DEMO_PASSWORD": "another-one"})
    assert s.production


def test_settings_are_frozen_and_overridable():
    s = Settings.from_env({})
    with pytest.raises(FrozenInstanceError):
        s.port = 1  # type: ignore[misc]
    assert s.with_overrides(port=1).port == 1 and s.port == 8050


def test_the_connection_pool_is_sized_from_the_environment():
    from data.db import Database

    s = Settings.from_env({"HQ_DB_POOL_SIZE": "12", "HQ_DB_MAX_OVERFLOW": "3"})
    assert (s.db_pool_size, s.db_max_overflow) == (12, 3)
    db = Database(s)
    try:
        assert db.engine.pool.size() == 12 and db.engine.pool._max_overflow == 3
    finally:
        db.dispose()
    assert (Settings.from_env({}).db_pool_size, Settings.from_env({}).db_max_overflow) == (5, 10)


def test_how_long_an_account_is_remembered_comes_from_the_environment():
    assert Settings.from_env({}).account_recheck_s == 5.0
    assert Settings.from_env({"HQ_ACCOUNT_RECHECK_S": "0"}).account_recheck_s == 0.0
    assert Settings.from_env({}).warm_wall is True
    assert Settings.from_env({"HQ_WARM_WALL": "off"}).warm_wall is False


def test_the_standby_for_reads_comes_from_the_environment():
    s = Settings.from_env({})
    assert (s.database_replica_url, s.replica_lag_warn_s) == ("", 5.0)
    s = Settings.from_env({"DATABASE_REPLICA_URL": " postgresql://u@h:5433/db ",
                           "HQ_REPLICA_LAG_WARN_S": "12"})
    assert (s.database_replica_url, s.replica_lag_warn_s) == ("postgresql://u@h:5433/db", 12.0)


def test_a_multi_host_url_is_written_the_way_sqlalchemy_parses_it():
    from sqlalchemy.engine import make_url

    from data.settings import sqlalchemy_url

    assert sqlalchemy_url("postgresql://u@h:1/db") == "postgresql+psycopg2://u@h:1/db"
    url = sqlalchemy_url("postgresql://u@h1:1,h2:2/db?target_session_attrs=read-write")
    assert url == "postgresql+psycopg2://u@/db?host=h1:1&host=h2:2&target_session_attrs=read-write"
    parsed = make_url(url)
    assert parsed.query["host"] == ("h1:1", "h2:2") and parsed.database == "db"
    assert sqlalchemy_url("postgres://h1:1,h2:2/db") == "postgresql+psycopg2:///db?host=h1:1&host=h2:2"
