"""Leader election on one database: a lock file next to SQLite, an advisory lock on PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.leader import AdvisoryLock, FileLock, lead, lock_for


def test_one_holder_at_a_time_and_the_next_gets_it_when_released(store):
    a, b = lock_for(store), lock_for(store)
    assert isinstance(a, AdvisoryLock if store.dialect == "postgresql" else FileLock)
    assert a.try_acquire() and a.still_held()
    assert not b.try_acquire()
    assert a.try_acquire()  # asking again while holding it is fine
    a.release()
    assert b.try_acquire()
    assert not a.try_acquire()
    b.release()


def test_a_standby_takes_over_when_the_leader_stops(store):
    events: list[str] = []

    def recorder(name: str):
        async def start():
            events.append(f"{name} leads")

        async def stop():
            events.append(f"{name} stops")

        return start, stop

    async def scenario():
        stop_a, stop_b = asyncio.Event(), asyncio.Event()
        a = asyncio.create_task(lead(lock_for(store), *recorder("a"), stop_a, 0.05))
        await asyncio.sleep(0.2)
        b = asyncio.create_task(lead(lock_for(store), *recorder("b"), stop_b, 0.05))
        await asyncio.sleep(0.3)
        assert events == ["a leads"]
        stop_a.set()
        await a
        loop = asyncio.get_running_loop()
        t = loop.time()
        while "b leads" not in events and loop.time() - t < 5:
            await asyncio.sleep(0.01)
        took = loop.time() - t
        stop_b.set()
        await b
        return took

    took = asyncio.run(scenario())
    assert events == ["a leads", "a stops", "b leads", "b stops"]
    assert took < 2  # a few check intervals (0.05 s) at most, with room for a loaded machine


def test_a_leader_whose_database_connection_breaks_steps_down_and_leads_again(store):
    if store.dialect != "postgresql":
        import pytest

        pytest.skip("PostgreSQL only: a lock file can't be lost while its process lives")
    lock = lock_for(store)
    events: list[str] = []

    async def start():
        events.append("leads")

    async def stop():
        events.append("stops")

    async def scenario():
        done = asyncio.Event()
        task = asyncio.create_task(lead(lock, start, stop, done, 0.05))
        await asyncio.sleep(0.2)
        pid = lock._conn.execute(text("SELECT pg_backend_pid()")).scalar()
        lock._conn.commit()
        with store.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        await asyncio.sleep(0.5)
        done.set()
        await task

    asyncio.run(scenario())
    assert events[:3] == ["leads", "stops", "leads"]
