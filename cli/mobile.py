"""`python app.py mobile sessions|revoke`: see and revoke signed-in phones from the shell."""
from __future__ import annotations

import click


@click.group("mobile")
def mobile_cli() -> None:
    """Signed-in phones of grid workers (the /m page)."""


@mobile_cli.command("sessions")
@click.option("--user", "username", default=None, help="Only this username's phones.")
@click.option("--all", "include_revoked", is_flag=True, help="Include revoked sessions.")
@click.pass_obj
def sessions_command(settings, username: str | None, include_revoked: bool) -> None:
    """List phone sessions: id, user, last seen, expiry, revoked."""
    from data import auth_store, mobile_sessions
    from data.db import Database

    database = Database(settings)
    try:
        with database.connect() as conn:
            user_id = None
            if username:
                row = auth_store.user_by_username(conn, username.strip().lower())
                if row is None:
                    raise click.BadParameter(f"no user {username!r}", param_hint="--user")
                user_id = row["id"]
            rows = mobile_sessions.list_sessions(conn, user_id, include_revoked)
    finally:
        database.dispose()
    for r in rows:
        state = f"revoked {r['revoked_at']:%Y-%m-%d %H:%M}" if r["revoked_at"] else "active"
        click.echo(f"{r['id']}\t{r['username']}\t{r['display_name']}\tlast seen "
                   f"{r['last_seen_at']:%Y-%m-%d %H:%M}\texpires {r['expires_at']:%Y-%m-%d}\t"
                   f"{state}\t{r['user_agent'][:40]}")
    click.echo(f"{len(rows)} session(s)")


@mobile_cli.command("revoke")
@click.argument("session_id", type=int)
@click.pass_obj
def revoke_command(settings, session_id: int) -> None:
    """Revoke one phone session: its next request goes to the sign-in page."""
    from data.db import Database
    from workflow.errors import WorkflowError
    from workflow.mobile.work import revoke

    database = Database(settings)
    try:
        with database.begin() as conn:
            revoke(conn, None, session_id, settings.now())
    except WorkflowError as err:
        raise click.ClickException(err.message) from None
    finally:
        database.dispose()
    click.echo(f"revoked session {session_id}")
