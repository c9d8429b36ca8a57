"""database.at_end_of_action: work an action owes once all its writes are made, kept or dropped with them."""

from __future__ import annotations

import pytest

from app import db as database
from tables.tables import School


async def test_outside_an_action_it_refuses(db):
    async def flush(items: set) -> None:
        raise AssertionError("never called")

    with pytest.raises(RuntimeError):
        database.at_end_of_action(flush, 1)


async def test_flushed_once_at_the_end_with_every_item_and_kept_with_the_action(db):
    calls: list[set] = []

    async def flush(items: set) -> None:
        calls.append(set(items))
        for n in sorted(items):
            await School.insert(School(name=f"flushed {n}", business_no=f"9000000{n}"))

    async with database.write_tx():
        database.at_end_of_action(flush, 1)
        database.at_end_of_action(flush, 2)
        database.at_end_of_action(flush, 1)
        assert calls == []  # not yet: the action may still write
    assert calls == [{1, 2}]
    assert {r["name"] for r in await School.select(School.name)} >= {"flushed 1", "flushed 2"}


async def test_a_refused_action_runs_nothing_and_keeps_nothing(db):
    calls: list[set] = []

    async def flush(items: set) -> None:
        calls.append(set(items))

    async with database.write_tx():  # the request's transaction; each action is a savepoint in it
        with pytest.raises(ValueError):
            async with database.write_tx():
                await School.insert(School(name="half-done", business_no="90000009"))
                database.at_end_of_action(flush, 9)
                raise ValueError("refused")
        assert calls == []
        assert not await School.exists().where(School.name == "half-done")
        async with database.write_tx():  # the next action owes its own work only
            database.at_end_of_action(flush, 10)
        assert calls == [{10}]
