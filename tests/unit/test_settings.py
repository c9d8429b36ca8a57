"""Settings refuse unsafe production configurations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("CAPTCHA_FIXED_ANSWER", "SECRET_KEY")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import app.settings"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_fixed_captcha_answer():
    r = _start({"APP_ENV": "production", "SECRET_KEY": "x" * 40, "CAPTCHA_FIXED_ANSWER": "TEST1"})
    assert r.returncode != 0 and "CAPTCHA_FIXED_ANSWER" in r.stderr


def test_production_needs_a_secret_key():
    r = _start({"APP_ENV": "production"})
    assert r.returncode != 0 and "SECRET_KEY" in r.stderr


def test_production_with_a_key_starts_with_secure_cookies():
    r = subprocess.run(
        [sys.executable, "-c", "from app.settings import settings; print(settings.cookie_secure)"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "COOKIE_SECURE"},
            "APP_ENV": "production",
            "SECRET_KEY": "k" * 40,
            "CAPTCHA_FIXED_ANSWER": "",
            "PAYMENT_SECRET": "p" * 40,
            "MFA_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and r.stdout.strip() == "True"


def test_production_refuses_a_short_secret_key():
    r = _start({"APP_ENV": "production", "SECRET_KEY": "short"})
    assert r.returncode != 0 and "32 characters" in r.stderr


def test_malformed_trusted_proxies_refuse_to_start():
    r = _start({"TRUSTED_PROXIES": "10.0.0.0/8, not-a-network"})
    assert r.returncode != 0 and "TRUSTED_PROXIES" in r.stderr


def test_database_storage_and_the_queue_need_postgresql():
    r = _start({"DATABASE_URL": "sqlite:////tmp/x.sqlite", "STORAGE": "database"})
    assert r.returncode != 0 and "STORAGE=database" in r.stderr
    r = _start({"DATABASE_URL": "sqlite:////tmp/x.sqlite", "JOB_QUEUE": "procrastinate"})
    assert r.returncode != 0 and "JOB_QUEUE=procrastinate" in r.stderr
