"""Settings: one frozen value built once from the environment and passed everywhere."""
from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path

from data.clock import Clock, system_clock
from data.local_secrets import local_secret, new_secret

DEFAULT_PG_PORT = 54329
DEFAULT_DEMO_PASSWORD = "hongqiao-demo"
BASEMAPS = ("none", "tianditu", "xyz")
LANGUAGES = ("zh", "en")


def parse_bool(value: str | None, default: bool = False) -> bool:
    """Parse an environment boolean explicitly; anything unrecognised is an error."""
    if value is None or value.strip() == "":
        return default
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def local_database_url(port: int = DEFAULT_PG_PORT, name: str = "hongqiao") -> str:
    """The URL of the project's own local PostGIS cluster (scripts/postgis.sh)."""
    return f"postgresql://postgres@127.0.0.1:{port}/{name}"


def sqlalchemy_url(url: str) -> str:
    """A libpq URL with the psycopg2 driver named, as SQLAlchemy wants it.

    libpq's multi-host form (``postgresql://u@h1:p1,h2:p2/db?target_session_attrs=...``,
    which finds the primary again after a standby is promoted) is written the way SQLAlchemy
    parses it: ``postgresql+psycopg2://u@/db?host=h1:p1&host=h2:p2&...``.
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            netloc, slash, tail = rest.partition("/")
            user, at, hosts = netloc.rpartition("@")
            if "," in hosts:
                path, _, query = tail.partition("?")
                params = "&".join([f"host={h}" for h in hosts.split(",")] + ([query] if query else []))
                return f"postgresql+psycopg2://{user}{at}/{path}?{params}"
            return "postgresql+psycopg2://" + rest
    return url


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with safe development defaults."""

    database_url: str = field(default_factory=local_database_url)
    database_from_env: bool = False
    # A hot standby for the wall's, analysts' and leaders' reads (DATABASE_REPLICA_URL); empty:
    # every read goes to database_url. The wall warns when it is more than this far behind.
    database_replica_url: str = ""
    replica_lag_warn_s: float = 5.0
    # Never a constant: SECRET_KEY, else the checkout's own random file (data/local_secrets);
    # a Settings built by hand gets a random one of its own.
    secret_key: str = field(default_factory=new_secret, repr=False)
    # The key of residents' identity-number hashes (HQ_ID_HASH_KEY); derived from
    # secret_key when unset, so rotating one without the other needs it set.
    id_hash_key: str = field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = 8050
    language: str = "zh"
    basemap: str = "none"
    tianditu_key: str = ""
    xyz_url: str = ""
    timezone: str = "Asia/Shanghai"
    district_code: str = "120106"
    production: bool = False
    demo_password: str = DEFAULT_DEMO_PASSWORD
    closure_target: float = 0.99
    # /leaders opens on the last full month until this month is this many days old.
    leaders_young_days: int = 10
    # 下考上: closures plus ratings a department needs in a period to be ranked.
    rating_min_volume: int = 30
    max_accuracy_m: float = 100.0
    background_jobs: bool = True
    # Security (SECURITY.md): sign-in failures per IP+username, ingest requests per device,
    # and the origins (space-separated) allowed to frame /wall besides the app itself.
    login_max_failures: int = 5
    login_window_s: int = 300
    # Sign-in attempts one address may make per login_window_s, whatever the usernames
    # (successes count too: an office behind one NAT address needs room).
    login_address_max: int = 60
    # Where rate-limit counters live (Flask-Limiter/limits storage URI): memory:// keeps
    # them per process; redis://host:6379 shares them between processes and hosts.
    ratelimit_storage_uri: str = "memory://"
    # A Redis shared by every app host (redis://host:port/db; README "Several app hosts"):
    # the wall's shared answers, rate limits, the account cache and session revocations live
    # there instead of each process's memory. Empty: one host, everything in memory.
    redis_url: str = ""
    # A desk session ends this long after sign-in, however busy it is (never extended).
    session_lifetime_s: int = 12 * 3600
    ingest_max_requests: int = 300
    ingest_window_s: int = 60
    wall_frame_origins: str = ""
    # Connections per server process: enough for its request threads to rarely queue for one.
    db_pool_size: int = 5
    db_max_overflow: int = 10
    # Seconds a process remembers a signed-in account between requests (0: read it every
    # time); a deactivation or role change takes effect within this long.
    account_recheck_s: float = 5.0
    # Build the wall's answers when a process starts, so the first screens do not wait.
    warm_wall: bool = True
    # The address phones send fixes to, put in their set-up link and QR code (empty: the
    # app's own /osmand at HQ_HOST:HQ_PORT; a real deployment gives its public one).
    osmand_url: str = ""
    # The shift hours in local time: a phone silent in them for 10 minutes has a gap.
    shifts: str = "08:30-11:30,14:00-17:00"
    # 到场报到 counts from this long before a whistle's meeting to its deadline, and within
    # this distance of the meeting's place when the request carries a position.
    arrive_before_h: float = 2.0
    arrive_radius_m: float = 500.0
    # Patrol exceptions (during a shift): off the own beat, no fix, idle (minutes), and a
    # battery below this percentage; raw fixes kept this many days (older: sheets only).
    # Shifts of particular streets, by street code: "120106004=08:00-11:00,14:00-17:30;..."
    # (streets not named work the shifts above).
    street_shifts: str = ""
    patrol_off_beat_min: float = 10.0
    patrol_no_fix_min: float = 15.0
    patrol_idle_min: float = 30.0
    patrol_low_battery: int = 15
    # Seconds between the job's sums of today's sheets for the whole district (0: never).
    patrol_sheet_refresh_s: int = 300
    positions_keep_days: int = 30
    # Notices (docs/notices.md): quiet hours in local time, when only urgent notices go out
    # on outside channels ("" for none); the SMTP server and the SMS gateway; how often the
    # delivery worker runs.
    quiet_hours: str = "22:00-07:00"
    smtp_host: str = ""
    smtp_port: int = 25
    mail_from: str = "noreply@hongqiao.local"
    sms_url: str = ""
    sms_template: str = "HQ_NOTICE"
    notice_interval_s: float = 5.0
    # Intake (docs/intake.md): a new report is matched with open cases of its category this
    # near and this recent; a field task not accepted within task_accept_min passes on.
    duplicate_radius_m: float = 50.0
    duplicate_window_h: float = 7 * 24.0
    task_accept_min: int = 15
    # Where "now" comes from for every part of the app: the machine's clock, or a frozen one
    # that tests and replays pass in (never read from the environment).
    clock: Clock = field(default=system_clock, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ValueError(f"HQ_LANGUAGE must be one of {LANGUAGES}, not {self.language!r}")
        if self.basemap not in BASEMAPS:
            raise ValueError(f"HQ_BASEMAP must be one of {BASEMAPS}, not {self.basemap!r}")
        if self.basemap == "tianditu" and not self.tianditu_key:
            raise ValueError("HQ_BASEMAP=tianditu needs HQ_TIANDITU_KEY")
        if self.basemap == "xyz" and not self.xyz_url:
            raise ValueError("HQ_BASEMAP=xyz needs HQ_XYZ_URL")
        if len(self.secret_key) < 16:
            raise ValueError("SECRET_KEY must be at least 16 characters")
        if self.production and self.demo_password == DEFAULT_DEMO_PASSWORD:
            raise ValueError("production mode refuses the default DEMO_PASSWORD")
        _ = self.shift_windows      # HQ_SHIFTS is read now, so a typo stops the start
        for part in filter(None, self.street_shifts.split(";")):
            _windows(part.partition("=")[2])

    @property
    def shift_windows(self) -> list[tuple[time, time]]:
        """The shift hours (local start and end times) from ``shifts``."""
        return _windows(self.shifts)

    def street_shift_windows(self, street_code: str | None) -> list[tuple[time, time]]:
        """The shift hours of one street: its own from ``street_shifts``, else ``shifts``."""
        for part in self.street_shifts.split(";"):
            code, sep, spec = part.strip().partition("=")
            if sep and code.strip() == street_code:
                return _windows(spec)
        return self.shift_windows

    @property
    def phone_server_url(self) -> str:
        """Where Traccar Client sends fixes (its "server URL")."""
        return self.osmand_url or f"http://{self.host}:{self.port}/osmand"

    def now(self):
        """The current moment by this deployment's clock (aware UTC)."""
        return self.clock()

    def derived_key(self, purpose: str) -> str:
        """A key for one purpose, derived from secret_key (HMAC-SHA256, hex)."""
        return hmac.new(self.secret_key.encode(), purpose.encode(), hashlib.sha256).hexdigest()

    @property
    def resident_hash_key(self) -> str:
        """The key residents' identity numbers are hashed under (importers)."""
        return self.id_hash_key or self.derived_key("residents-id-hash")

    @property
    def demo_secret(self) -> str:
        """What demo devices' tokens and the demo Open311 key derive from: known only to
        this deployment (not to whoever knows the public demo password).
        """
        return self.derived_key("demo-credentials")

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the psycopg2 driver named, as SQLAlchemy wants it."""
        return sqlalchemy_url(self.database_url)

    def with_overrides(self, **changes) -> Settings:
        """A copy with some fields changed (tests use this)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from environment variables (HQ_* and the usual names)."""
        env = os.environ if env is None else env
        port = int(env.get("HQ_PG_PORT", DEFAULT_PG_PORT))
        url = env.get("DATABASE_URL", "").strip()
        production = parse_bool(env.get("HQ_PRODUCTION"), False)
        return cls(
            database_url=url or local_database_url(port, env.get("HQ_PG_DB", "hongqiao")),
            database_from_env=bool(url),
            database_replica_url=env.get("DATABASE_REPLICA_URL", "").strip(),
            replica_lag_warn_s=float(env.get("HQ_REPLICA_LAG_WARN_S", "5")),
            secret_key=_secret_key(env, production),
            id_hash_key=env.get("HQ_ID_HASH_KEY", "").strip(),
            host=env.get("HQ_HOST", "127.0.0.1"),
            port=int(env.get("HQ_PORT", "8050")),
            language=env.get("HQ_LANGUAGE", "zh"),
            basemap=env.get("HQ_BASEMAP", "none"),
            tianditu_key=env.get("HQ_TIANDITU_KEY", ""),
            xyz_url=env.get("HQ_XYZ_URL", ""),
            timezone=env.get("HQ_TIMEZONE", "Asia/Shanghai"),
            production=production,
            demo_password=env.get("DEMO_PASSWORD", "") or DEFAULT_DEMO_PASSWORD,
            closure_target=float(env.get("HQ_CLOSURE_TARGET", "0.99")),
            leaders_young_days=int(env.get("HQ_LEADERS_YOUNG_DAYS", "10")),
            rating_min_volume=int(env.get("HQ_RATING_MIN_VOLUME", "30")),
            max_accuracy_m=float(env.get("HQ_MAX_ACCURACY_M", "100")),
            background_jobs=parse_bool(env.get("HQ_BACKGROUND_JOBS"), True),
            login_max_failures=int(env.get("HQ_LOGIN_MAX_FAILURES", "5")),
            login_window_s=int(env.get("HQ_LOGIN_WINDOW_S", "300")),
            login_address_max=int(env.get("HQ_LOGIN_ADDRESS_MAX", "60")),
            redis_url=env.get("REDIS_URL", "").strip(),
            ratelimit_storage_uri=(env.get("HQ_RATELIMIT_STORAGE_URI", "").strip()
                                   or env.get("REDIS_URL", "").strip() or "memory://"),
            session_lifetime_s=int(env.get("HQ_SESSION_LIFETIME_S", str(12 * 3600))),
            ingest_max_requests=int(env.get("HQ_INGEST_MAX_REQUESTS", "300")),
            ingest_window_s=int(env.get("HQ_INGEST_WINDOW_S", "60")),
            wall_frame_origins=env.get("HQ_WALL_FRAME_ORIGINS", "").strip(),
            db_pool_size=int(env.get("HQ_DB_POOL_SIZE", "5")),
            db_max_overflow=int(env.get("HQ_DB_MAX_OVERFLOW", "10")),
            account_recheck_s=float(env.get("HQ_ACCOUNT_RECHECK_S", "5")),
            warm_wall=parse_bool(env.get("HQ_WARM_WALL"), True),
            osmand_url=env.get("HQ_OSMAND_URL", "").strip(),
            shifts=env.get("HQ_SHIFTS", "").strip() or cls.shifts,
            arrive_before_h=float(env.get("HQ_ARRIVE_BEFORE_H", "2")),
            arrive_radius_m=float(env.get("HQ_ARRIVE_RADIUS_M", "500")),
            street_shifts=env.get("HQ_STREET_SHIFTS", "").strip(),
            patrol_off_beat_min=float(env.get("HQ_PATROL_OFF_BEAT_MIN", "10")),
            patrol_no_fix_min=float(env.get("HQ_PATROL_NO_FIX_MIN", "15")),
            patrol_idle_min=float(env.get("HQ_PATROL_IDLE_MIN", "30")),
            patrol_low_battery=int(env.get("HQ_PATROL_LOW_BATTERY", "15")),
            patrol_sheet_refresh_s=int(env.get("HQ_PATROL_SHEET_REFRESH_S", "300")),
            positions_keep_days=int(env.get("HQ_POSITIONS_KEEP_DAYS", "30")),
            quiet_hours=env.get("HQ_QUIET_HOURS", cls.quiet_hours).strip(),
            smtp_host=env.get("HQ_SMTP_HOST", "").strip(),
            smtp_port=int(env.get("HQ_SMTP_PORT", "25")),
            mail_from=env.get("HQ_MAIL_FROM", "").strip() or cls.mail_from,
            sms_url=env.get("HQ_SMS_URL", "").strip(),
            sms_template=env.get("HQ_SMS_TEMPLATE", "").strip() or cls.sms_template,
            notice_interval_s=float(env.get("HQ_NOTICE_INTERVAL_S", "5")),
            duplicate_radius_m=float(env.get("HQ_DUPLICATE_RADIUS_M", "50")),
            duplicate_window_h=float(env.get("HQ_DUPLICATE_WINDOW_H", "168")),
            task_accept_min=int(env.get("HQ_TASK_ACCEPT_MIN", "15")),
        )


def _windows(spec: str) -> list[tuple[time, time]]:
    """Shift windows from "08:30-11:30,14:00-17:00" (ValueError naming the bad part)."""
    windows = []
    for part in spec.split(","):
        start, sep, end = part.strip().partition("-")
        try:
            window = (time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
        except ValueError:
            window = None
        if not sep or window is None or window[0] >= window[1]:
            raise ValueError(f"HQ_SHIFTS must be like 08:30-11:30,14:00-17:00, not {part!r}")
        windows.append(window)
    return windows


def _secret_key(env: Mapping[str, str], production: bool) -> str:
    """SECRET_KEY from the environment; in development the checkout's own random file
    (HQ_SECRETS_FILE, default .pgdata/secrets.json); production refuses to run without it.
    """
    given = env.get("SECRET_KEY", "").strip()
    if given:
        return given
    if production:
        raise ValueError("production mode needs SECRET_KEY")
    path = env.get("HQ_SECRETS_FILE", "").strip()
    return local_secret(Path(path) if path else None)


