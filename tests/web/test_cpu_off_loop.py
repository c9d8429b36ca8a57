"""Password hashing and captcha drawing off the event loop, at a lower priority (issue 16 item 6)."""

from __future__ import annotations

import asyncio
import hashlib
import threading

from piccolo.apps.user.tables import BaseUser

from app.services import admin_login, cpu
from tests.review_factories import REVIEWER_PASSWORD, make_reviewer


def test_pool_threads_run_at_a_lower_priority():
    from app.settings import settings

    assert settings.cpu_pool_nice == 10 and cpu.thread_nice() >= settings.cpu_pool_nice


async def test_admin_login_hashes_in_the_pool_and_the_loop_keeps_running(db, monkeypatch):
    admin_login.install()
    user_id = await make_reviewer("reviewer1", "first_reviewer")
    threads: set[str] = set()
    real = hashlib.pbkdf2_hmac

    def watched(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", watched)
    ticks = 0
    done = False

    async def ticker():
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0.005)

    async def logins():
        nonlocal done
        try:
            return [
                await BaseUser.login("reviewer1", REVIEWER_PASSWORD),
                await BaseUser.login("reviewer1", "wrong-password-123"),
                await BaseUser.login("nobody", REVIEWER_PASSWORD),
            ]
        finally:
            done = True

    results, _ = await asyncio.gather(logins(), ticker())
    assert results == [user_id, None, None]
    assert threads and all(name.startswith("arc-cpu") for name in threads)  # never on the loop's thread
    assert ticks >= 10  # three hashes of ~0.1 s each: the loop ticked all along
    row = await BaseUser.select(BaseUser.last_login).where(BaseUser.id == user_id).first()
    assert row["last_login"] is not None


async def test_admin_login_upgrades_a_hash_of_fewer_rounds(db):
    admin_login.install()
    user_id = await make_reviewer("reviewer9", "first_reviewer")
    weak = BaseUser.hash_password(REVIEWER_PASSWORD, iterations=1000)
    await BaseUser.update({BaseUser.password: weak}).where(BaseUser.id == user_id)
    assert await BaseUser.login("reviewer9", REVIEWER_PASSWORD) == user_id
    stored = (await BaseUser.select(BaseUser.password).where(BaseUser.id == user_id).first())["password"]
    assert stored.split("$")[1] == str(BaseUser._pbkdf2_iteration_count)
    assert await BaseUser.login("reviewer9", "x" * 5000) is None  # over-long: refused before hashing


async def test_admin_sign_in_goes_through_the_pooled_login(client, monkeypatch):
    """The app's piccolo-admin login endpoint uses the pooled login (installed by create_app)."""
    await make_reviewer("reviewer1", "first_reviewer")
    calls = []
    real = cpu.run

    async def counted(fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", ""))
        return await real(fn, *args, **kwargs)

    monkeypatch.setattr(cpu, "run", counted)
    await client.get("/admin/")
    r = await client.post(
        "/admin/public/login/",
        json={"username": "reviewer1", "password": REVIEWER_PASSWORD},
        headers={"X-CSRFToken": client.cookies.get("csrftoken")},
    )
    assert r.status_code == 200 and "hash_password" in calls


async def test_captcha_image_is_drawn_in_the_pool(client, monkeypatch):
    import re

    drawn = []
    from app.services import captcha

    real = captcha.render_png

    def watched(answer):
        drawn.append(threading.current_thread().name)
        return real(answer)

    monkeypatch.setattr(captcha, "render_png", watched)
    page = await client.get("/login")
    src = re.search(r'src="(/captcha/[^"]+)"', page.text)
    assert src, page.text[:2000]
    r = await client.get(src.group(1))
    assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn and drawn[0].startswith("arc-cpu")
