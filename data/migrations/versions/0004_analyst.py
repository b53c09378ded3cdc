"""analyst: incident rollups by day and month, kept right by statement triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 12:30:00

incident_rollup (Beijing day) and incident_rollup_month count incidents per grid x category
x source x status x department, with closed counts and summed seconds to close; two narrower
monthly cubes (per street without grids; per grid alone) answer long ranges cheaply, and a
daily one without place (incident_rollup_day_kind) answers district-wide daily series. Statement
triggers with transition tables apply each INSERT/UPDATE/DELETE (and a COPY, which fires
one insert statement) as one grouped delta; TRUNCATE empties them. The function is given
a switch (hongqiao.rollup = off) for loaders that rebuild once instead.
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

KEY = "grid_id, category_code, source, status, department_id"
STREET_KEY = "street_id, category_code, source, status, department_id"
KIND_KEY = "category_code, source, status, department_id"
VALUES = "street_id, community_id, n, n_closed, close_s"
DELTA = """select (reported_at at time zone 'Asia/Shanghai')::date as day, grid_id, street_id,
       community_id, category_code, source, status, coalesce(department_id, 0) as department_id,
       {sign} as n, {sign} * (closed_at is not null)::int as n_closed,
       {sign} * coalesce(extract(epoch from closed_at - reported_at), 0)::bigint as close_s
  from {table}"""
APPLY = """
  with delta as ({parts}),
  net as (
    select day, {key}, max(street_id) as street_id, max(community_id) as community_id,
           sum(n) as n, sum(n_closed) as n_closed, sum(close_s) as close_s
    from delta group by day, {key}
    having sum(n) <> 0 or sum(n_closed) <> 0 or sum(close_s) <> 0),
  by_day as (
    insert into incident_rollup as r (day, {key}, {values})
    select day, {key}, {values} from net order by day, {key}
    on conflict (day, {key}) do update set n = r.n + excluded.n,
      n_closed = r.n_closed + excluded.n_closed, close_s = r.close_s + excluded.close_s),
  by_month as (
    insert into incident_rollup_month as r (month, {key}, {values})
    select date_trunc('month', day)::date, {key}, max(street_id), max(community_id), sum(n),
           sum(n_closed), sum(close_s)
    from net group by date_trunc('month', day)::date, {key}
    order by 1, {key}
    on conflict (month, {key}) do update set n = r.n + excluded.n,
      n_closed = r.n_closed + excluded.n_closed, close_s = r.close_s + excluded.close_s),
  by_street as (
    insert into incident_rollup_street_month as r (month, {street_key}, n, n_closed, close_s)
    select date_trunc('month', day)::date, {street_key}, sum(n), sum(n_closed), sum(close_s)
    from net group by date_trunc('month', day)::date, {street_key}
    order by 1, {street_key}
    on conflict (month, {street_key}) do update set n = r.n + excluded.n,
      n_closed = r.n_closed + excluded.n_closed, close_s = r.close_s + excluded.close_s),
  by_kind as (
    insert into incident_rollup_day_kind as r (day, {kind_key}, n, n_closed, close_s)
    select day, {kind_key}, sum(n), sum(n_closed), sum(close_s)
    from net group by day, {kind_key}
    order by 1, {kind_key}
    on conflict (day, {kind_key}) do update set n = r.n + excluded.n,
      n_closed = r.n_closed + excluded.n_closed, close_s = r.close_s + excluded.close_s)
  insert into incident_rollup_grid_month as r (month, grid_id, street_id, community_id, n,
                                               n_closed, close_s)
  select date_trunc('month', day)::date, grid_id, max(street_id), max(community_id), sum(n),
         sum(n_closed), sum(close_s)
  from net group by date_trunc('month', day)::date, grid_id
  order by 1, 2
  on conflict (month, grid_id) do update set n = r.n + excluded.n,
    n_closed = r.n_closed + excluded.n_closed, close_s = r.close_s + excluded.close_s;
"""
# Rows are upserted in key order, so concurrent writers take the rollup's row locks in the
# same order and cannot deadlock on each other.
FUNCTION = """
create or replace function analyst_rollup_{name}() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('hongqiao.rollup', true), '') = 'off' then
    return null;
  end if;
  {apply}
  return null;
end $$;
"""
TABLES = {"insert": ["new_rows", None], "update": ["new_rows", "old_rows"],
          "delete": [None, "old_rows"]}


def _apply(new: str | None, old: str | None) -> str:
    parts = []
    if new:
        parts.append(DELTA.format(sign=1, table=new))
    if old:
        parts.append(DELTA.format(sign=-1, table=old))
    return APPLY.format(parts=" union all ".join(parts), key=KEY, values=VALUES,
                        street_key=STREET_KEY, kind_key=KIND_KEY)


def _columns():
    return [sa.Column('grid_id', sa.Integer(), nullable=False),
            sa.Column('category_code', sa.String(length=8), nullable=False),
            sa.Column('source', sa.String(length=12), nullable=False),
            sa.Column('status', sa.String(length=12), nullable=False),
            sa.Column('department_id', sa.Integer(), nullable=False),
            sa.Column('street_id', sa.SmallInteger(), nullable=False),
            sa.Column('community_id', sa.Integer(), nullable=False),
            sa.Column('n', sa.Integer(), nullable=False),
            sa.Column('n_closed', sa.Integer(), nullable=False),
            sa.Column('close_s', sa.BigInteger(), nullable=False)]


def _sums():
    return [sa.Column('n', sa.Integer(), nullable=False),
            sa.Column('n_closed', sa.Integer(), nullable=False),
            sa.Column('close_s', sa.BigInteger(), nullable=False)]


def upgrade() -> None:
    op.create_table('incident_rollup', sa.Column('day', sa.Date(), nullable=False), *_columns(),
                    sa.PrimaryKeyConstraint('day', 'grid_id', 'category_code', 'source', 'status',
                                            'department_id', name=op.f('pk_incident_rollup')))
    op.create_index('ix_incident_rollup_street_day', 'incident_rollup', ['street_id', 'day'])
    op.create_index('ix_incident_rollup_category_day', 'incident_rollup',
                    ['category_code', 'day'])
    op.create_table('incident_rollup_month', sa.Column('month', sa.Date(), nullable=False),
                    *_columns(),
                    sa.PrimaryKeyConstraint('month', 'grid_id', 'category_code', 'source',
                                            'status', 'department_id',
                                            name=op.f('pk_incident_rollup_month')))
    op.create_index('ix_incident_rollup_month_street', 'incident_rollup_month',
                    ['street_id', 'month'])
    op.create_index('ix_incident_rollup_month_category', 'incident_rollup_month',
                    ['category_code', 'month'])
    op.create_table('incident_rollup_street_month',
                    sa.Column('month', sa.Date(), nullable=False),
                    sa.Column('street_id', sa.SmallInteger(), nullable=False),
                    sa.Column('category_code', sa.String(length=8), nullable=False),
                    sa.Column('source', sa.String(length=12), nullable=False),
                    sa.Column('status', sa.String(length=12), nullable=False),
                    sa.Column('department_id', sa.Integer(), nullable=False), *_sums(),
                    sa.PrimaryKeyConstraint('month', 'street_id', 'category_code', 'source',
                                            'status', 'department_id',
                                            name=op.f('pk_incident_rollup_street_month')))
    op.create_table('incident_rollup_day_kind',
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('category_code', sa.String(length=8), nullable=False),
                    sa.Column('source', sa.String(length=12), nullable=False),
                    sa.Column('status', sa.String(length=12), nullable=False),
                    sa.Column('department_id', sa.Integer(), nullable=False), *_sums(),
                    sa.PrimaryKeyConstraint('day', 'category_code', 'source', 'status',
                                            'department_id',
                                            name=op.f('pk_incident_rollup_day_kind')))
    op.create_table('incident_rollup_grid_month',
                    sa.Column('month', sa.Date(), nullable=False),
                    sa.Column('grid_id', sa.Integer(), nullable=False),
                    sa.Column('street_id', sa.SmallInteger(), nullable=False),
                    sa.Column('community_id', sa.Integer(), nullable=False),
                    *_sums(),
                    sa.PrimaryKeyConstraint('month', 'grid_id',
                                            name=op.f('pk_incident_rollup_grid_month')))
    op.create_index('ix_incidents_analyst', 'incidents', ['reported_at'],
                    postgresql_include=['grid_id', 'street_id', 'community_id', 'category_code',
                                        'source', 'status', 'department_id', 'closed_at'])
    for name, (new, old) in TABLES.items():
        op.execute(FUNCTION.format(name=name, apply=_apply(new, old)))
        refs = " ".join(x for x in (f"old table as {old}" if old else "",
                                    f"new table as {new}" if new else "") if x)
        op.execute(f"create trigger analyst_rollup_{name} after {name} on incidents "
                   f"referencing {refs} for each statement "
                   f"execute function analyst_rollup_{name}()")
    op.execute("""create or replace function analyst_rollup_truncate() returns trigger
                  language plpgsql as $$ begin
                    truncate incident_rollup, incident_rollup_month, incident_rollup_street_month,
                             incident_rollup_grid_month, incident_rollup_day_kind;
                    return null; end $$""")
    op.execute("create trigger analyst_rollup_truncate after truncate on incidents "
               "for each statement execute function analyst_rollup_truncate()")
    # Whatever is loaded already (a database migrated with its world in place).
    for sql in (REBUILD_DAY, REBUILD_MONTH, REBUILD_STREET, REBUILD_GRID, REBUILD_KIND):
        op.execute(sql)


REBUILD_DAY = f"""insert into incident_rollup (day, {KEY}, {VALUES})
  select day, {KEY}, max(street_id), max(community_id), sum(n), sum(n_closed), sum(close_s)
  from ({DELTA.format(sign=1, table='incidents')}) d group by day, {KEY}"""
REBUILD_MONTH = f"""insert into incident_rollup_month (month, {KEY}, {VALUES})
  select date_trunc('month', day)::date, {KEY}, max(street_id), max(community_id), sum(n),
         sum(n_closed), sum(close_s)
  from incident_rollup group by date_trunc('month', day)::date, {KEY}"""

REBUILD_STREET = f"""insert into incident_rollup_street_month (month, {STREET_KEY}, n, n_closed,
                                                               close_s)
  select month, {STREET_KEY}, sum(n), sum(n_closed), sum(close_s)
  from incident_rollup_month group by month, {STREET_KEY}"""
REBUILD_GRID = """insert into incident_rollup_grid_month (month, grid_id, street_id, community_id,
                                                     n, n_closed, close_s)
  select month, grid_id, max(street_id), max(community_id), sum(n), sum(n_closed), sum(close_s)
  from incident_rollup_month group by month, grid_id"""

REBUILD_KIND = f"""insert into incident_rollup_day_kind (day, {KIND_KEY}, n, n_closed, close_s)
  select day, {KIND_KEY}, sum(n), sum(n_closed), sum(close_s)
  from incident_rollup group by day, {KIND_KEY}"""


def downgrade() -> None:
    for name in ("insert", "update", "delete", "truncate"):
        op.execute(f"drop trigger if exists analyst_rollup_{name} on incidents")
        op.execute(f"drop function if exists analyst_rollup_{name}()")
    op.drop_index('ix_incidents_analyst', table_name='incidents')
    op.drop_table('incident_rollup_grid_month')
    op.drop_table('incident_rollup_day_kind')
    op.drop_table('incident_rollup_street_month')
    op.drop_index('ix_incident_rollup_month_category', table_name='incident_rollup_month')
    op.drop_index('ix_incident_rollup_month_street', table_name='incident_rollup_month')
    op.drop_table('incident_rollup_month')
    op.drop_index('ix_incident_rollup_category_day', table_name='incident_rollup')
    op.drop_index('ix_incident_rollup_street_day', table_name='incident_rollup')
    op.drop_table('incident_rollup')
