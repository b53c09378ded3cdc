"""The live migrated schema keeps to the Citus plan (data/models/distribution.py): every table
placed, the district on every distributed table, no foreign key that would cross shards.
"""
from sqlalchemy import text

from data.models import Base
from data.models.distribution import (
    DISTRIBUTION_COLUMN,
    KNOWN_KEYS_WITHOUT_DISTRICT,
    PLAN,
    tables_of,
)
from data.queries.analyst_raw import rebuild_rollups
from tests.workflow_world import build_world, make_incident

DISTRIBUTED = tables_of("distributed")

# Tables of the public schema, without day partitions of positions (they follow their
# parent) and without tables an extension owns (PostGIS's spatial_ref_sys is on every node).
LIVE_TABLES = """
select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
  and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                  and d.objid = c.oid and d.deptype = 'e')
"""
FOREIGN_KEYS = """
select con.conname, src.relname as child, dst.relname as parent,
       array(select a.attname from unnest(con.conkey) with ordinality k(num, pos)
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num
             order by k.pos) as columns,
       array(select a.attname from unnest(con.confkey) with ordinality k(num, pos)
             join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num
             order by k.pos) as parent_columns
from pg_constraint con join pg_class src on src.oid = con.conrelid
join pg_class dst on dst.oid = con.confrelid join pg_namespace n on n.oid = src.relnamespace
where con.contype = 'f' and n.nspname = 'public' and not src.relispartition
"""
# Every unique index (primary keys and unique constraints have one), partial ones included.
UNIQUE_INDEXES = """
select i.relname as index, t.relname as tab,
       array(select a.attname from unnest(x.indkey) k(num)
             join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.num) as columns
from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
join pg_namespace n on n.oid = t.relnamespace
where x.indisunique and n.nspname = 'public' and not t.relispartition
"""


def test_every_live_table_is_placed_and_every_placed_table_lives(conn):
    live = set(conn.execute(text(LIVE_TABLES)).scalars())
    assert live - set(PLAN) == set(), "tables the Citus plan does not place"
    assert set(PLAN) - live == set(), "the plan places tables that do not exist"
    assert set(Base.metadata.tables) <= set(PLAN)


def test_every_placement_says_why():
    assert all(len(p.why) > 10 for p in PLAN.values())
    assert {p.kind for p in PLAN.values()} == {"distributed", "reference", "local"}


def test_every_distributed_table_has_a_not_null_district_code(conn):
    rows = conn.execute(text(
        "select table_name, is_nullable, character_maximum_length from information_schema.columns "
        "where table_schema = 'public' and column_name = :column"),
        {"column": DISTRIBUTION_COLUMN}).all()
    columns = {r.table_name: r for r in rows}
    missing = sorted(DISTRIBUTED - set(columns))
    assert missing == [], "distributed tables without district_code"
    nullable = sorted(t for t in DISTRIBUTED if columns[t].is_nullable != "NO")
    assert nullable == [], "distributed tables whose district_code may be null"
    assert {columns[t].character_maximum_length for t in DISTRIBUTED} == {6}


def _foreign_keys(conn):
    return conn.execute(text(FOREIGN_KEYS)).all()


def test_foreign_keys_between_distributed_tables_carry_the_district_on_both_sides(conn):
    within = [fk for fk in _foreign_keys(conn)
              if fk.child in DISTRIBUTED and fk.parent in DISTRIBUTED]
    assert within, "no foreign key between distributed tables at all: the query is wrong"
    crossing = sorted(fk.conname for fk in within
                      if DISTRIBUTION_COLUMN not in fk.columns
                      or fk.parent_columns[fk.columns.index(DISTRIBUTION_COLUMN)]
                      != DISTRIBUTION_COLUMN)
    assert crossing == [], "foreign keys that would cross shards"


def test_no_foreign_key_points_where_citus_cannot_follow(conn):
    # Reference and local tables cannot point into shards; shards cannot point at the
    # coordinator's own tables, nor can replicated reference tables.
    forbidden = {("reference", "distributed"), ("local", "distributed"),
                 ("distributed", "local"), ("reference", "local")}
    bad = sorted(f"{fk.conname}: {PLAN[fk.child].kind} -> {PLAN[fk.parent].kind}"
                 for fk in _foreign_keys(conn)
                 if (PLAN[fk.child].kind, PLAN[fk.parent].kind) in forbidden)
    assert bad == []


def test_unique_keys_of_distributed_tables_without_the_district_are_the_known_ones(conn):
    # Citus needs the district in each of them; those still without it are listed in the
    # plan with the reason, and one that gains it must leave the list.
    lacking = {r.index for r in conn.execute(text(UNIQUE_INDEXES))
               if r.tab in DISTRIBUTED and DISTRIBUTION_COLUMN not in r.columns}
    assert lacking - set(KNOWN_KEYS_WITHOUT_DISTRICT) == set(), "new keys without the district"
    assert set(KNOWN_KEYS_WITHOUT_DISTRICT) - lacking == set(), "known ones that are fixed"


def test_a_child_row_follows_its_parents_district_and_keeps_it(conn):
    world = build_world(conn)
    incident = make_incident(conn, world)
    conn.execute(text("update incidents set district_code = '120105' where id = :id"),
                 {"id": incident})
    conn.execute(text(
        "insert into incident_events (incident_id, at, action, to_status) "
        "values (:id, now(), 'comment', 'commented')"), {"id": incident})
    notice = conn.execute(text(
        "insert into notices (key, kind, channel, incident_id, title, title_en, body, "
        "created_at, status, next_attempt_at) values ('k1', 'dispatched', 'sms', :id, 't', "
        "'t', 'b', now(), 'pending', now()) returning id"), {"id": incident}).scalar_one()
    conn.execute(text("insert into notice_deliveries (notice_id, at, attempt, ok) "
                      "values (:id, now(), 1, true)"), {"id": notice})
    districts = conn.execute(text(
        "select (select district_code from incident_events where incident_id = :i), "
        "(select district_code from notices where id = :n), "
        "(select district_code from notice_deliveries where notice_id = :n)"),
        {"i": incident, "n": notice}).one()
    assert tuple(districts) == ("120105", "120105", "120105")
    # The composite key holds the log to its case: the case cannot move district alone.
    with conn.begin_nested() as savepoint:
        refused = _refused(conn, "update incidents set district_code = '120106' where id = :id",
                           {"id": incident})
        savepoint.rollback()
    assert refused


def _refused(conn, sql: str, params: dict) -> bool:
    from sqlalchemy.exc import IntegrityError
    try:
        conn.execute(text(sql), params)
    except IntegrityError as error:
        return "fk_incident_events_incident_id_incidents" in str(error)
    return False


PLACED_ROLLUPS = text(
    "select district_code from incident_rollup union select district_code "
    "from incident_rollup_month union select district_code from incident_rollup_grid_month "
    "union select district_code from incident_rollup_street_month")


def test_rollup_rows_take_the_district_of_their_street_or_of_their_incidents(conn):
    world = build_world(conn)
    conn.execute(text("update districts set code = '120105' where id = :id"),
                 {"id": world.ids["district"]})
    make_incident(conn, world)
    assert set(conn.execute(PLACED_ROLLUPS).scalars()) == {"120105"}
    # The loaders' rebuild writes the incidents' district itself, with the triggers skipped,
    # and leaves the switch as it found it.
    conn.execute(text("update incidents set district_code = '120105'"))
    conn.execute(text("update districts set code = '120106' where id = :id"),
                 {"id": world.ids["district"]})
    rebuild_rollups(conn)
    assert set(conn.execute(PLACED_ROLLUPS).scalars()) == {"120105"}
    assert conn.execute(text(
        "select coalesce(current_setting('hongqiao.district_given', true), '')")).scalar() == ""
