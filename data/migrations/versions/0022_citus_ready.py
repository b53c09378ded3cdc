"""Citus readiness: district_code on every table the plan distributes, and foreign keys between
distributed tables that carry it on both sides (data/models/distribution.py, docs/scaling.md).

Revision ID: 0022
Revises: 0021

Adding a column with a constant default is a catalogue change only (PostgreSQL 11+), so the
millions of rows of the demo world are not rewritten; the backfills are one set-based UPDATE
per table that touches only rows whose district differs from their parent's (none, in a
one-district world). A child's district always follows its parent: a row trigger copies it
on insert, so writers that do not know the district (COPY of the world, the workflow) stay
right in a world of several districts, and the composite keys below would refuse a mismatch.
A bulk loader that writes every row's district itself sets ``hongqiao.district_given = on``
(transaction-local) and skips the triggers: a lookup per row is what its deferred foreign
keys avoid (data/world_store.py).
"""
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

DEFAULT = "120106"
PARENTS = ("incidents", "whistles", "notices")
# (child, fk column, parent, on delete): the foreign keys that become composite.
LINKS = (
    ("incident_events", "incident_id", "incidents", "CASCADE"),
    ("whistle_incidents", "whistle_id", "whistles", "CASCADE"),
    ("whistle_incidents", "incident_id", "incidents", None),
    ("whistle_summons", "whistle_id", "whistles", "CASCADE"),
    ("whistle_events", "whistle_id", "whistles", "CASCADE"),
    ("duplicate_suggestions", "incident_id", "incidents", "CASCADE"),
    ("duplicate_suggestions", "parent_id", "incidents", "CASCADE"),
    ("field_tasks", "incident_id", "incidents", "CASCADE"),
    ("open311_requests", "incident_id", "incidents", "CASCADE"),
    ("mobile_photos", "incident_id", "incidents", "CASCADE"),
    ("notices", "incident_id", "incidents", "CASCADE"),
    ("notices", "whistle_id", "whistles", "CASCADE"),
    ("notice_deliveries", "notice_id", "notices", "CASCADE"),
    ("incidents", "parent_id", "incidents", None),
    ("whistles", "parent_id", "whistles", None),
)
# Tables whose district follows one parent row (a whistle's cases follow the whistle;
# a notice follows its case, else its whistle).
FOLLOW_PARENT = {
    "incident_events": [("incidents", "incident_id")],
    "whistle_incidents": [("whistles", "whistle_id")],
    "whistle_summons": [("whistles", "whistle_id")],
    "whistle_events": [("whistles", "whistle_id")],
    "duplicate_suggestions": [("incidents", "incident_id")],
    "field_tasks": [("incidents", "incident_id")],
    "open311_requests": [("incidents", "incident_id")],
    "mobile_photos": [("incidents", "incident_id")],
    "notices": [("whistles", "whistle_id"), ("incidents", "incident_id")],
    "notice_deliveries": [("notices", "notice_id")],
}
# Tables whose district follows their street (a street lies in one district).
FOLLOW_STREET = ("patrol_sheets", "patrol_exceptions", "incident_rollup", "incident_rollup_month",
                 "incident_rollup_street_month", "incident_rollup_grid_month")
# No parent to follow: the default, until a second district writes here (docs/scaling.md).
PLAIN = ("incident_rollup_day_kind",)
# The triggers' WHEN: evaluated without calling the function, so a loader pays almost nothing.
UNLESS_GIVEN = "coalesce(current_setting('hongqiao.district_given', true), '') <> 'on'"
STREET_DISTRICT = ("(select d.code from streets s join districts d on d.id = s.district_id "
                   "where s.id = {street})")


def _fk_name(child: str, column: str, parent: str) -> str:
    return f"fk_{child}_{column}_{parent}"


def _add_column(table: str) -> None:
    op.execute(f"alter table {table} add column district_code varchar(6) not null "
               f"default '{DEFAULT}'")


def _backfill_from_parent(table: str, parents: list[tuple[str, str]]) -> None:
    # Later parents win (the notice's case over its whistle): apply in list order.
    for parent, column in parents:
        op.execute(f"update {table} c set district_code = p.district_code from {parent} p "
                   f"where p.id = c.{column} and c.district_code <> p.district_code")


def _parent_trigger(table: str, parents: list[tuple[str, str]]) -> None:
    lookups = "\n".join(
        f"  if new.{column} is not null then\n"
        f"    select p.district_code into found from {parent} p where p.id = new.{column};\n"
        f"    if found is not null then new.district_code := found; end if;\n"
        f"  end if;"
        for parent, column in parents)
    op.execute(f"""create function {table}_district() returns trigger language plpgsql as $$
declare found varchar(6);
begin
{lookups}
  return new;
end $$;""")
    op.execute(f"create trigger {table}_district before insert on {table} for each row "
               f"when ({UNLESS_GIVEN}) execute function {table}_district()")


def _street_trigger(table: str) -> None:
    lookup = STREET_DISTRICT.format(street="new.street_id")
    op.execute(f"""create function {table}_district() returns trigger language plpgsql as $$
begin
  if new.street_id is not null then
    new.district_code := coalesce({lookup}, new.district_code);
  end if;
  return new;
end $$;""")
    op.execute(f"create trigger {table}_district before insert on {table} for each row "
               f"when ({UNLESS_GIVEN}) execute function {table}_district()")


def upgrade() -> None:
    for table in (*FOLLOW_PARENT, *FOLLOW_STREET, *PLAIN, "latest_positions"):
        _add_column(table)
    # latest_positions is written by the ingest with the fix's district (data/positions).
    op.execute("update latest_positions l set district_code = d.code from grids g "
               "join streets s on s.id = g.street_id join districts d on d.id = s.district_id "
               "where g.id = l.grid_id and l.district_code <> d.code")
    # Parents before children: a notice's delivery follows the notice once it is right.
    for table in ("incident_events", "whistle_incidents", "whistle_summons", "whistle_events",
                  "duplicate_suggestions", "field_tasks", "open311_requests", "mobile_photos",
                  "notices", "notice_deliveries"):
        _backfill_from_parent(table, FOLLOW_PARENT[table])
        _parent_trigger(table, FOLLOW_PARENT[table])
    for table in FOLLOW_STREET:
        op.execute(f"update {table} t set district_code = d.code from streets s "
                   f"join districts d on d.id = s.district_id "
                   f"where s.id = t.street_id and t.district_code <> d.code")
        _street_trigger(table)
    for parent in PARENTS:
        op.create_unique_constraint(f"uq_{parent}_district_code_id", parent,
                                    ["district_code", "id"])
    for child, column, parent, ondelete in LINKS:
        name = _fk_name(child, column, parent)
        op.drop_constraint(name, child, type_="foreignkey")
        op.create_foreign_key(name, child, parent, ["district_code", column],
                              ["district_code", "id"], ondelete=ondelete)


def downgrade() -> None:
    for child, column, parent, ondelete in LINKS:
        name = _fk_name(child, column, parent)
        op.drop_constraint(name, child, type_="foreignkey")
        op.create_foreign_key(name, child, parent, [column], ["id"], ondelete=ondelete)
    for parent in PARENTS:
        op.drop_constraint(f"uq_{parent}_district_code_id", parent, type_="unique")
    for table in (*FOLLOW_PARENT, *FOLLOW_STREET):
        op.execute(f"drop trigger {table}_district on {table}")
        op.execute(f"drop function {table}_district()")
    for table in (*FOLLOW_PARENT, *FOLLOW_STREET, *PLAIN, "latest_positions"):
        op.drop_column(table, "district_code")
