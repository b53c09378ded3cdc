"""The lists' "how many match" from the street-month rollup equals counting the incidents."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from data.queries import cases
from tests.conftest import WORLD_AS_OF as NOW


def direct(conn, params: dict) -> int:
    from_ = cases.COUNT_FROM_CATEGORY if "category" in params else cases.COUNT_FROM
    sql = "select count(*)" + from_ + cases.where_clause(cases.INCIDENT_WHERE, params)
    return conn.execute(text(sql), params).scalar_one()


@pytest.fixture
def picks(world_conn) -> dict:
    row = world_conn.execute(text(
        "select street_id, department_id, category_code, source from incidents "
        "where department_id is not null order by id limit 1")).one()
    parent = world_conn.execute(text("select parent_code from categories where code = :c"),
                                {"c": row.category_code}).scalar_one()
    return {"street": row.street_id, "department": row.department_id,
            "leaf": row.category_code, "subject": parent or row.category_code,
            "source": row.source}


def test_counts_from_the_rollup_equal_counts_of_the_incidents(world_conn, picks):
    cases_ = [({}, {}), ({}, {"statuses": ["closed"]}),
              ({"street_id": picks["street"]}, {"statuses": ["dispatched", "in_progress"]}),
              ({}, {"department_id": picks["department"], "source": picks["source"]}),
              ({}, {"category": picks["subject"]}), ({}, {"category": picks["leaf"],
                                                          "street_id": picks["street"]})]
    for scope, filters in cases_:
        params = cases.incident_params(scope, filters, NOW)
        sql = cases.count_sql(params)
        assert sql.startswith(cases.ROLLUP_COUNT), (scope, filters)
        got = world_conn.execute(text(sql), params).scalar_one()
        assert got == direct(world_conn, params) and got > 0, (scope, filters)


def test_other_filters_count_the_incidents(world_conn, picks):
    for filters in ({"overdue": True}, {"q": "路"}, {"grid_id": 1}, {"community_id": 1},
                    {"reported_from": NOW}):
        params = cases.incident_params({}, filters, NOW)
        assert cases.count_sql(params).startswith("select count(*)"), filters
    params = cases.incident_params({"department_id": picks["department"]}, {}, NOW)
    assert cases.count_sql(params).startswith("select count(*)")
    rows, total = cases.list_incidents(world_conn, {}, {"overdue": True}, NOW, 5)
    assert total == direct(world_conn, cases.incident_params({}, {"overdue": True}, NOW))
