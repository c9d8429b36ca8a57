"""The SQLite engine's kept connections (app/sqlite_pool.py), on a database file of the test's own."""

from __future__ import annotations

from app.sqlite_pool import PooledSQLiteEngine


async def _engine(tmp_path) -> PooledSQLiteEngine:
    engine = PooledSQLiteEngine(path=str(tmp_path / "pool.sqlite"), timeout=5)
    conn = await engine.get_connection()
    await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    await conn.close()
    return engine


async def test_a_transaction_reuses_the_connection_of_the_last_one(tmp_path):
    engine = await _engine(tmp_path)
    engine.open_pool()
    try:
        async with engine.transaction() as tx:
            first = tx.connection._conn
            await engine._run_in_existing_connection(tx.connection, "INSERT INTO t (v) VALUES (?)", ["a"])
        async with engine.transaction() as tx:
            assert tx.connection._conn is first  # no new connection, no new thread
            rows = await engine._run_in_existing_connection(tx.connection, "SELECT v FROM t")
        assert rows == [{"v": "a"}]  # rows as Piccolo reads them
        fk = await first.execute_fetchall("PRAGMA foreign_keys")
        assert list(fk[0].values()) == [1]
    finally:
        await engine.close_pool()
    assert not first._running  # closed with the pool: its thread has ended


async def test_a_connection_given_back_inside_a_transaction_is_rolled_back(tmp_path):
    engine = await _engine(tmp_path)
    engine.open_pool()
    try:
        conn = await engine.get_connection()
        await conn.execute("BEGIN IMMEDIATE")
        await conn.execute("INSERT INTO t (v) VALUES ('half')")
        await conn.close()  # as after a failed commit
        kept = await engine.get_connection()
        assert kept._conn is conn._conn and not kept.in_transaction
        assert await kept.execute_fetchall("SELECT count(*) AS n FROM t") == [{"n": 0}]
        await kept.close()
    finally:
        await engine.close_pool()


async def test_without_the_pool_it_is_piccolos_engine(tmp_path):
    engine = await _engine(tmp_path)
    conn = await engine.get_connection()
    assert type(conn).__name__ == "Connection"  # aiosqlite's own, closed for real
    await conn.close()
    assert not conn._running


def test_a_process_that_never_closes_the_pool_still_exits(tmp_path):
    """aiosqlite's threads are not daemons; a kept connection's is, or the process would hang at exit."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import asyncio\n"
        "from app.sqlite_pool import PooledSQLiteEngine\n"
        f"e = PooledSQLiteEngine(path={str(tmp_path / 'exit.sqlite')!r})\n"
        "async def main():\n"
        "    e.open_pool()\n"
        "    async with e.transaction() as tx:\n"
        "        await e._run_in_existing_connection(tx.connection, 'SELECT 1 AS one')\n"
        "asyncio.run(main())\n"
        "print('done')\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.strip() == "done", out.stderr
