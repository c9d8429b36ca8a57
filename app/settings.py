"""One settings object, read from the environment once."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


DEV_PAYMENT_SECRET = "dev-only-payment-secret-change-me"  # noqa: S105 - refused in production


def _payment_secret(app_env: str) -> str:
    secret = os.environ.get("PAYMENT_SECRET", "")
    if app_env == "production" and (not secret or secret == DEV_PAYMENT_SECRET or len(secret) < 32):
        raise RuntimeError(
            "PAYMENT_SECRET (32+ characters, shared with the payment gateway) must be set in production"
        )
    return secret or DEV_PAYMENT_SECRET


def _secret_key(var_dir: Path, app_env: str) -> str:
    """SECRET_KEY from the environment; in dev/test a random key kept under var/."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        if app_env == "production" and len(key) < 32:
            raise RuntimeError("SECRET_KEY must have 32 characters or more when APP_ENV=production")
        return key
    if app_env == "production":
        raise RuntimeError("SECRET_KEY must be set when APP_ENV=production")
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _mfa_key(app_env: str, secret_key: str) -> str:
    """MFA_ENCRYPTION_KEY: the Fernet key that encrypts reviewers' TOTP secrets at rest.

    Kept apart from SECRET_KEY, so rotating that one does not lock every reviewer out. In dev/test
    it is derived from SECRET_KEY (HKDF-SHA256); production refuses to start without it.
    """
    import base64

    raw = os.environ.get("MFA_ENCRYPTION_KEY", "").strip()
    if raw:
        try:
            valid = len(base64.urlsafe_b64decode(raw.encode())) == 32
        except ValueError:
            valid = False
        if not valid:
            raise RuntimeError(
                "MFA_ENCRYPTION_KEY must be a Fernet key: 32 bytes, URL-safe base64 (44 characters)"
            )
        return raw
    if app_env == "production":
        raise RuntimeError(
            "MFA_ENCRYPTION_KEY must be set when APP_ENV=production "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        )
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"arc-online mfa totp secrets"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived).decode()


@dataclass(frozen=True)
class Settings:
    app_env: str
    database_url: str
    var_dir: Path
    secret_key: str
    captcha_fixed_answer: str | None
    cookie_secure: bool
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    session_warning_seconds: int = 120
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    login_ip_max_failures: int = 30
    password_hash_concurrency: int = field(default_factory=lambda: os.cpu_count() or 1)
    cpu_pool_nice: int = 10  # nice of the hashing/captcha threads (app/services/cpu.py), 0-19
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "noreply@arc.example.gov.tw"
    public_base_url: str = "http://127.0.0.1:8000"
    trust_forwarded_for: bool = False
    # Peers whose X-Forwarded-For is believed (addresses or networks): the reverse proxies.
    trusted_proxies: tuple[str, ...] = ()
    redis_url: str = ""
    db_pool_min: int = 1
    db_pool_max: int = 10
    storage: str = "local"  # local (files under var/) | database (PostgreSQL, content-addressed)
    job_queue: str = "inline"  # inline (in the server process) | procrastinate (PostgreSQL, workers)
    # A worker sends a heartbeat every job_heartbeat seconds; one silent for job_stalled_after seconds is dead,
    # and the running workers put its jobs back in the queue (app.services.jobs.run_worker).
    job_heartbeat: float = 10.0
    job_stalled_after: float = 60.0
    log_format: str = "text"  # text | json
    metrics_token: str = ""
    payment_gateway_url: str = "http://127.0.0.1:8001"
    payment_secret: str = DEV_PAYMENT_SECRET
    payment_merchant_id: str = "NIA-ARC"
    pdf_workers: int = 1
    pdf_prerender: bool = True
    mfa_encryption_key: str = ""

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def uploads_dir(self) -> Path:
        return self.var_dir / "uploads"


def _trusted_proxies() -> tuple[str, ...]:
    """TRUSTED_PROXIES (comma-separated addresses or networks); TRUST_FORWARDED_FOR=1 alone means a proxy
    on this machine (127.0.0.1, ::1). Malformed entries refuse to start rather than trust too much."""
    import ipaddress

    raw = os.environ.get("TRUSTED_PROXIES", "").strip()
    if not raw and _bool("TRUST_FORWARDED_FOR", False):
        raw = "127.0.0.1,::1"
    out = []
    for part in raw.split(","):
        part = part.strip()
        if part:
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError as exc:
                raise RuntimeError(f"TRUSTED_PROXIES: {part!r} is not an address or network") from exc
            out.append(part)
    return tuple(out)


def _choice(name: str, default: str, allowed: set[str]) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in allowed:
        raise RuntimeError(f"{name} must be one of {', '.join(sorted(allowed))}, not {value!r}")
    return value


def load_settings() -> Settings:
    app_env = os.environ.get("APP_ENV", "dev").strip().lower() or "dev"
    if app_env not in {"dev", "test", "production"}:
        raise RuntimeError(f"APP_ENV must be dev, test or production, not {app_env!r}")
    var_dir = Path(os.environ.get("VAR_DIR", str(ROOT / "var"))).resolve()
    fixed = os.environ.get("CAPTCHA_FIXED_ANSWER", "").strip() or None
    if fixed and app_env == "production":
        raise RuntimeError(
            "CAPTCHA_FIXED_ANSWER is for automated tests only and refused when APP_ENV=production"
        )
    secret_key = _secret_key(var_dir, app_env)
    database_url = os.environ.get("DATABASE_URL", "").strip()
    on_postgres = database_url.startswith(("postgres://", "postgresql://"))
    storage = _choice(
        "STORAGE", "database" if on_postgres and app_env == "production" else "local", {"local", "database"}
    )
    if storage == "database" and not on_postgres:
        raise RuntimeError("STORAGE=database needs DATABASE_URL on PostgreSQL")
    job_queue = _choice(
        "JOB_QUEUE",
        "procrastinate" if on_postgres and app_env == "production" else "inline",
        {"inline", "procrastinate"},
    )
    if job_queue == "procrastinate" and not on_postgres:
        raise RuntimeError("JOB_QUEUE=procrastinate needs DATABASE_URL on PostgreSQL")
    return Settings(
        app_env=app_env,
        database_url=database_url,
        var_dir=var_dir,
        secret_key=secret_key,
        captcha_fixed_answer=fixed,
        cookie_secure=_bool("COOKIE_SECURE", app_env == "production"),
        session_idle_minutes=_int("SESSION_IDLE_MINUTES", 30),
        session_max_hours=_int("SESSION_MAX_HOURS", 12),
        smtp_host=os.environ.get("SMTP_HOST", ""),
        smtp_port=_int("SMTP_PORT", 25),
        smtp_user=os.environ.get("SMTP_USER", ""),
        smtp_password=os.environ.get("SMTP_PASSWORD", ""),
        smtp_starttls=_bool("SMTP_STARTTLS", False),
        mail_from=os.environ.get("MAIL_FROM", "noreply@arc.example.gov.tw"),
        public_base_url=os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        trust_forwarded_for=_bool("TRUST_FORWARDED_FOR", False),
        trusted_proxies=_trusted_proxies(),
        redis_url=os.environ.get("REDIS_URL", "").strip(),
        db_pool_min=max(0, _int("DB_POOL_MIN", 1)),
        db_pool_max=max(1, _int("DB_POOL_SIZE", 10)),
        storage=storage,
        job_queue=job_queue,
        job_heartbeat=max(0.5, _float("JOB_HEARTBEAT", 10.0)),
        job_stalled_after=max(2.0, _float("JOB_STALLED_AFTER", 60.0)),
        log_format=_choice("LOG_FORMAT", "json" if app_env == "production" else "text", {"text", "json"}),
        metrics_token=os.environ.get("METRICS_TOKEN", "").strip(),
        payment_gateway_url=os.environ.get("PAYMENT_GATEWAY_URL", "http://127.0.0.1:8001").rstrip("/"),
        payment_secret=_payment_secret(app_env),
        payment_merchant_id=os.environ.get("PAYMENT_MERCHANT_ID", "NIA-ARC"),
        # One core stays with the web process: pages keep answering while documents render.
        pdf_workers=max(1, _int("PDF_WORKERS", min(4, (os.cpu_count() or 2) - 1))),
        pdf_prerender=_bool("PDF_PRERENDER", app_env != "test"),
        cpu_pool_nice=min(19, max(0, _int("CPU_POOL_NICE", 10))),
        mfa_encryption_key=_mfa_key(app_env, secret_key),
    )


settings = load_settings()


def cert_paths(name: str, default: str) -> tuple[str, ...]:
    """Paths (separated by os.pathsep) of trust anchors or CRLs for the certificate login."""
    raw = os.environ.get(name, default)
    return tuple(p for p in raw.split(os.pathsep) if p)


CERT_TRUST_ANCHORS = cert_paths("CERT_TRUST_ANCHORS", str(settings.var_dir / "pki" / "ca.pem"))
CERT_CRLS = cert_paths("CERT_CRLS", str(settings.var_dir / "pki" / "ca.crl"))
LOCAL_SIGNER_URL = os.environ.get("LOCAL_SIGNER_URL", "http://127.0.0.1:61161").rstrip("/")
