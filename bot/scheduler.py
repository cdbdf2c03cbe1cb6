"""Scheduled digests and feed polling, run by the leader process.

- One APScheduler job per subscription with a schedule: a cron trigger in the channel's
  timezone, job id `digest:<subscription id>`, kept in the database (SQLAlchemyJobStore). Jobs
  coalesce, and a missed run is still run when it is at most `catch_up_grace_hours` late, so
  downtime gives one catch-up digest, never a burst; a slot missed by more is skipped and logged.
- A slot is claimed in the delivery log before anything is posted (unique per subscription and
  local wall-clock slot, which also keeps the second 02:30 of an autumn clock change out), and the
  platform's message ids are recorded after. A claim left unfinished (a crash, a kill, a network
  failure) is finished by the leader's next sweep with the same marker, so the platform shows the
  slot once (see bot/delivery.py).
- Subscriptions are read from the database every `sync_seconds` (schedules changed in another
  process), and at once when this process's own command service changes one.
- Due feeds are polled every `feed_check_seconds`; a feed that is disabled after repeated
  failures gets a short notice in every channel that follows it, through the same delivery log.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import socket
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import func, or_, select

from bot.delivery import DeliveryFailed, DeliveryRefused, Outlet
from bot.logs import log_context
from bot.messages import DigestView, Notice, Reply
from bot.metrics import ARTICLES_INGESTED, DIGESTS_POSTED, FEEDS_FAILING
from bot.provider import DigestProvider
from bot.schedules import Schedule
from bot.service import subscription_scope
from bot.stored_digest import digest_from_json, digest_to_json
from bot.text import without_secrets
from config.settings import Settings
from corpus import deliveries, polling
from corpus.channels import Subscription, SubscriptionFeed
from corpus.deliveries import CLAIMED, DIGEST, EMPTY, FAILED, MISSED, NOTICE, POSTED, Delivery
from corpus.models import Feed, utcnow
from corpus.store import Store, unreachable

log = logging.getLogger("newsbot.scheduler")
DIGEST_JOB = "digest:"
HINT = "Read one story: /news story <id> · its links: /news sources <id>"
RETRY_DELAY = timedelta(seconds=30)  # after a failed post; doubled after each further failure

_active: DigestScheduler | None = None  # the scheduler this process runs while it leads


# --- job entry points: referenced by name in the job store, so they are module functions --------


async def digest_job(subscription_id: int) -> None:
    if _active is None:
        log.warning("digest job for subscription %s ran with no scheduler active", subscription_id)
        return
    await _active.tracked(_active.run_slot(subscription_id))


async def sync_job() -> None:
    if _active is not None:
        await _active.tracked(_active.tick())


async def feeds_job() -> None:
    if _active is not None:
        await _active.tracked(_active.poll_feeds())


# --- slots ----------------------------------------------------------------------------------------


def current_slot(schedule: Schedule, now: datetime, grace: timedelta) -> datetime | None:
    """The latest fire time of `schedule` at or before `now`, if it is at most `grace` old (in
    UTC: an ambiguous local time never compares equal across zones)."""
    trigger = schedule.trigger()
    t = trigger.get_next_fire_time(None, now - grace)
    last = None
    while t is not None and t <= now:
        last = t
        # Step in UTC: wall-clock arithmetic on the second 02:30 of an autumn night goes backwards.
        t = trigger.get_next_fire_time(t, t.astimezone(timezone.utc) + timedelta(microseconds=1))
    return last.astimezone(timezone.utc) if last else None


def slot_key(fire_time: datetime, tz: str) -> str:
    """Local wall-clock time and zone: both 02:30s of an autumn clock change are one slot."""
    return f"{fire_time.astimezone(ZoneInfo(tz)):%Y-%m-%dT%H:%M} {tz}"


def marker(delivery: Delivery) -> str:
    return f"newsbot:{delivery.subscription_id}:{delivery.slot}"


def add_digest_job(aps: BaseScheduler, subscription_id: int, cron: str, tz: str, grace: timedelta, **kwargs) -> None:
    """Add or replace a subscription's job (the job's name records the schedule it was made from)."""
    aps.add_job(
        digest_job,
        Schedule(cron, tz).trigger(),
        args=(subscription_id,),
        id=f"{DIGEST_JOB}{subscription_id}",
        name=f"{cron} {tz}",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=max(1, int(grace.total_seconds())),
        jobstore="default",
        **kwargs,
    )


Key = tuple[int, str]  # (subscription id, slot)


REFUSED_BEFORE_OFF = 3  # digests refused in a row, the channel gone, before its schedule is turned off


@dataclass
class Pending:
    """A claimed slot ready to post."""

    delivery_id: int
    key: Key
    kind: str
    platform: str
    channel: str
    reply: Reply
    marker: str
    resuming: datetime | None
    attempts: int


class DigestScheduler:
    def __init__(
        self,
        store: Store,
        provider: DigestProvider,
        settings: Settings,
        outlets: dict[str, Outlet],
        clock=utcnow,
    ) -> None:
        self.store = store
        self.provider = provider
        self.settings = settings
        self.cfg = settings.scheduler
        self.outlets = outlets
        self.clock = clock
        self.identity = f"{socket.gethostname()}:{os.getpid()}"
        self.aps: AsyncIOScheduler | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        # The (subscription id, slot) of every claim this process is working on. Marked before the
        # claim is inserted, never by row id after: SQLite's driver commits a SAVEPOINT's insert
        # at once, so a sweep could otherwise see the claim before it is marked.
        self._inflight: set[Key] = set()
        self._tasks: set[asyncio.Task] = set()
        self._cut_short: set[asyncio.Task] = set()  # tasks stop() cancelled after shutdown_wait_seconds

    @property
    def grace(self) -> timedelta:
        return timedelta(hours=self.cfg.catch_up_grace_hours)

    # --- leading ----------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start scheduling (this process has become the leader)."""
        global _active
        self._loop = asyncio.get_running_loop()
        aps = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.store.engine), "local": MemoryJobStore()},
            timezone=timezone.utc,
        )
        aps.add_listener(self._on_job_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        aps.start(paused=True)  # bring the jobs in step with the subscriptions before any runs
        self.aps, _active = aps, self
        self.sync()
        now = self.clock()
        lost = self._lost_slots(now)
        aps.add_job(sync_job, "interval", seconds=self.cfg.sync_seconds, id="sync", jobstore="local", coalesce=True, misfire_grace_time=None)
        aps.add_job(
            feeds_job, "interval", seconds=self.cfg.feed_check_seconds, id="feeds", jobstore="local", coalesce=True,
            misfire_grace_time=None, next_run_time=now,
        )  # fmt: skip
        aps.resume()
        self._spawn(self.recover())
        for sub_id in lost:
            log.warning("subscription %s: its latest slot was neither posted nor due any more (the last leader stopped as it came); posting it now", sub_id)
            self._spawn(self.run_slot(sub_id))

    def _lost_slots(self, now: datetime) -> list[int]:
        """Subscriptions whose current slot (within the catch-up grace) has no delivery and that
        their job, as stored, will not run: APScheduler moves a job's next run time on before the
        job claims its slot, so a leader that stops in between (killed, or waiting out a database
        restart) leaves a slot that its successor's job store no longer shows as due. A slot
        earlier than the subscription's last change is not lost: the schedule may not have been
        set yet."""
        jobs = {j.id: j for j in self.aps.get_jobs(jobstore="default")}
        with self.store.session() as s:
            subs = s.execute(select(Subscription.id, Subscription.cron, Subscription.timezone, Subscription.updated_at).where(Subscription.cron.is_not(None))).all()
            # The slots of the grace window that have a delivery, in one read rather than one a subscription.
            q = select(Delivery.subscription_id, Delivery.slot).where(Delivery.slot_at >= now - self.grace)
            delivered = {(r.subscription_id, r.slot) for r in s.execute(q)}
        lost = []
        for sub_id, cron, tz, changed in subs:
            job = jobs.get(f"{DIGEST_JOB}{sub_id}")
            try:
                slot_at = current_slot(Schedule(cron, tz), now, self.grace)
            except (ValueError, KeyError):  # a schedule cron or zoneinfo can't read: sync() has said so
                continue
            if job is None or slot_at is None or job.next_run_time is None or job.next_run_time <= slot_at or changed > slot_at:
                continue
            if (sub_id, slot_key(slot_at, tz)) not in delivered:
                lost.append(sub_id)
        return lost

    async def stop(self) -> None:
        """Stop scheduling (shutting down, or no longer the leader). Posts under way get a few
        seconds to finish; one cut short stays claimed, and the next leader finishes it."""
        global _active
        aps, self.aps = self.aps, None
        if aps is not None:
            aps.pause()
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=self.cfg.shutdown_wait_seconds)
            if late:
                log.warning("stopping with %d job(s) unfinished; a post cut short stays claimed and the next leader finishes it", len(late))
            self._cut_short.update(late)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
            self._cut_short.clear()
        if aps is not None:
            aps.shutdown(wait=False)
        if _active is self:
            _active = None

    def schedule_changed(self, subscription_id: int) -> None:
        """Called (from any thread) after a command changed a schedule."""
        if self._loop is not None and self.aps is not None:
            # In a context of its own: the command's log context (its channel and name) must not
            # ride along into the wake-ups, digests and polls that follow.
            self._loop.call_soon_threadsafe(self._sync_quietly, subscription_id, context=contextvars.Context())

    def feeds_changed(self) -> None:
        """Called (from any thread) after a channel followed a feed: the feed sweep runs now, not
        up to `feed_check_seconds` later, so the channel's first /digest has its news."""
        if self._loop is not None and self.aps is not None:
            self._loop.call_soon_threadsafe(self._sweep_now, context=contextvars.Context())

    def _sweep_now(self) -> None:
        try:
            self.aps.modify_job("feeds", jobstore="local", next_run_time=datetime.now(timezone.utc))
        except Exception:  # stopped meanwhile, or no longer leading: the next sweep polls it
            log.debug("could not move the feed sweep forward", exc_info=True)

    def _sync_quietly(self, subscription_id: int) -> None:
        try:
            self.sync(subscription_id)
        except Exception:
            log.exception("could not update the job of subscription %s; the next sync retries", subscription_id)

    async def tracked(self, coro):
        """Run a job's work as one of this scheduler's tasks (waited for at stop and by `idle`)."""
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            return await coro
        except asyncio.CancelledError:
            if task not in self._cut_short:
                raise
            return None  # stop() cut it short and said so; not a job failure for APScheduler to log
        except Exception as exc:
            if (why := unreachable(exc)) is None:
                raise
            log.warning("the database is unreachable (%s); the next run tries again", why)
            return None
        finally:
            self._tasks.discard(task)

    async def idle(self) -> None:
        """Wait until no job or post is under way."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def run_due(self) -> None:
        """Run whatever is due now and wait for it to finish (tests and benchmarks move the clock
        and call this instead of waiting for the timer)."""
        if self.aps is None:
            return
        self.aps.wakeup()
        for _ in range(5):  # the wake-up runs in the loop, then the jobs' tasks start
            await asyncio.sleep(0)
        await self.idle()

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- jobs in step with subscriptions ----------------------------------------------------------

    def sync(self, only: int | None = None) -> None:
        """Add, replace or remove digest jobs so they match the stored schedules. An unchanged
        job is left alone: replacing it would forget a run missed while the bot was down."""
        aps = self.aps
        if aps is None:
            return
        with self.store.session() as s:
            q = select(Subscription.id, Subscription.cron, Subscription.timezone)
            rows = s.execute(q.where(Subscription.id == only) if only is not None else q).all()
        if only is not None:
            job = aps.get_job(f"{DIGEST_JOB}{only}", jobstore="default")
            jobs = {job.id: job} if job else {}
        else:
            jobs = {j.id: j for j in aps.get_jobs(jobstore="default") if j.id.startswith(DIGEST_JOB)}
        grace = max(1, int(self.grace.total_seconds()))
        for sub_id, cron, tz in rows:
            job = jobs.pop(f"{DIGEST_JOB}{sub_id}", None)
            if not cron:
                if job:
                    aps.remove_job(job.id, jobstore="default")
                continue
            try:
                # A stored job keeps the trigger it was made with: one made before cron was read
                # the standard way ("*/2" from Monday) is replaced, as is one whose schedule changed.
                trigger = str(Schedule(cron, tz).trigger())
                if job is not None and job.name == f"{cron} {tz}" and job.misfire_grace_time == grace and str(job.trigger) == trigger:
                    continue
                add_digest_job(aps, sub_id, cron, tz, self.grace)
                log.info("subscription %s: digests on %r in %s", sub_id, cron, tz)
            except ValueError as exc:  # a schedule edited by hand into something cron can't read
                log.error("subscription %s: schedule %r can't be used (%s); no digests until it is fixed", sub_id, cron, exc)
        for job in jobs.values():  # their subscriptions are gone
            aps.remove_job(job.id, jobstore="default")

    async def tick(self) -> None:
        self.sync()
        await self.recover()

    def _on_job_event(self, event: JobExecutionEvent) -> None:
        if not event.job_id.startswith(DIGEST_JOB):
            if event.code == EVENT_JOB_ERROR:
                log.error("job %s failed", event.job_id, exc_info=event.exception)
            return
        sub_id = int(event.job_id.removeprefix(DIGEST_JOB))
        if event.code == EVENT_JOB_MISSED:
            self._record_missed(sub_id, event.scheduled_run_time)

    def _record_missed(self, sub_id: int, when: datetime) -> None:
        with log_context(subscription=sub_id), self.store.session() as s:
            sub = s.get(Subscription, sub_id)
            if sub is None:
                return
            late, slot = self.clock() - when, slot_key(when, sub.timezone)
            log.warning(
                "skipped the digest due %s: the bot was down %s, longer than the %s catch-up grace; the next digest covers it",
                slot, _hours(late), _hours(self.grace),
            )  # fmt: skip
            deliveries.claim(
                s, status=MISSED, subscription_id=sub_id, slot=slot, slot_at=when, kind=DIGEST, claimed_by=self.identity,
                claimed_at=self.clock(), finished_at=self.clock(), error=f"the bot was down for {_hours(late)}",
            )  # fmt: skip

    # --- digest slots -----------------------------------------------------------------------------

    async def run_slot(self, subscription_id: int) -> None:
        """One scheduled run: claim the slot, build the digest, post it, record it."""
        with log_context(subscription=subscription_id):
            try:
                pending = await self._claim_when_reachable(subscription_id)
                if pending is not None:
                    await self._send(pending)
            except Exception as exc:
                if (why := unreachable(exc)) is None:
                    log.exception("the digest of subscription %s failed", subscription_id)
                else:  # posted or not, the claim stands: the sweep finishes it once the database is back
                    log.warning("the database went away during the digest (%s); it is finished when the database is back", why)

    async def _claim_when_reachable(self, subscription_id: int) -> Pending | None:
        """Claim the slot, trying again while the database is unreachable (a restart): the job
        has fired and won't fire again for this slot. Bounded by the catch-up grace, after which
        no slot is current, and by stop()."""
        delay = 1.0
        while True:
            try:
                return await asyncio.to_thread(self._claim_slot, subscription_id, self.clock())
            except Exception as exc:
                if (why := unreachable(exc)) is None:
                    raise
                log.warning("the database is unreachable (%s); trying the slot again in %.0f s", why, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    def _claim_slot(self, sub_id: int, now: datetime) -> Pending | None:
        claimed: Key | None = None
        try:
            with self.store.session() as s:
                sub = s.get(Subscription, sub_id)
                if sub is None or not sub.cron:
                    return None
                slot_at = current_slot(Schedule(sub.cron, sub.timezone), now, self.grace)
                if slot_at is None:
                    log.info("no slot is due now; nothing to do")
                    return None
                if sub.platform not in self.outlets:
                    log.warning("can't post to %s: it isn't running in this process (the scheduler's leader); configure it on every process", sub.platform)
                    return None
                last = deliveries.last_digest(s, sub.id)
                since = last.built_at if last and last.built_at else now - timedelta(hours=self.cfg.backfill_hours)
                key = (sub.id, slot_key(slot_at, sub.timezone))
                row = self._claim(s, key, subscription_id=sub.id, slot_at=slot_at, kind=DIGEST, since=since, claimed_at=now)
                if row is None:
                    log.info("slot %s was already taken (a second run at a clock change, or another process); not posting again", key[1])
                    return None
                claimed, delivery_id = key, row.id
            plan = self._build(delivery_id, resuming=False)
        except BaseException:
            if claimed is not None:
                self._inflight.discard(claimed)
            raise
        if plan is None:
            self._inflight.discard(claimed)
        return plan

    def _claim(self, s, key: Key, **fields) -> Delivery | None:
        """Claim the slot `key`, marked as this process's work first (see _inflight)."""
        if key in self._inflight:
            return None
        self._inflight.add(key)
        try:
            row = deliveries.claim(s, slot=key[1], claimed_by=self.identity, **fields)
        except BaseException:
            self._inflight.discard(key)
            raise
        if row is None:
            self._inflight.discard(key)
        return row

    def _build(self, delivery_id: int, resuming: bool) -> Pending | None:
        """Build the claimed slot's digest (unless built already) and the reply to post; None
        when there is nothing to post. `resuming`: an earlier attempt may have posted part of it."""
        with self.store.session() as s:
            row = s.get(Delivery, delivery_id)
            sub = s.get(Subscription, row.subscription_id)
            if row.payload is None:
                first = deliveries.last_digest(s, sub.id) is None  # the backfill: only news from `since` on
                scope = subscription_scope(sub, self.settings.channels, since=row.since, news_since=row.since if first else None)
                scope = replace(scope, said=_said(s, sub.id))
                try:
                    digest = self.provider.digest(scope)
                except Exception as exc:
                    log.exception("building the digest failed")
                    self._finish(row, FAILED, error=f"building the digest failed ({type(exc).__name__})")
                    return None
                # The engine dated the stories it grouped during this build at or before now: the
                # next digest starts just after, so it repeats none of them.
                row.built_at = self.clock() + timedelta(microseconds=1)
                if digest.stories:
                    row.payload = {"digest": digest_to_json(digest)}
                elif sub.post_when_empty:
                    row.payload = {"notice": f"No news since {_local(row.since, sub.timezone)}."}
                else:
                    log.info("nothing new since %s; nothing posted", row.since.isoformat(timespec="minutes"))
                    self._finish(row, EMPTY)
                    return None
            resume_from = row.claimed_at if resuming else None
            return Pending(row.id, (row.subscription_id, row.slot), row.kind, sub.platform, sub.channel, _reply(row.payload), marker(row), resume_from, row.attempts)

    def _finish(self, row: Delivery, status: str, error: str | None = None, message_ids: list[str] | None = None) -> None:
        """Close a row (in the caller's session; the caller drops it from _inflight after commit,
        never before, so a sweep can't see it claimed and not in flight)."""
        row.status, row.error, row.finished_at = status, error, self.clock()
        if message_ids is not None:
            row.message_ids = message_ids

    async def _send(self, p: Pending) -> None:
        outlet = self.outlets.get(p.platform)
        try:
            if outlet is None:
                raise DeliveryRefused(f"{p.platform} isn't running in the process that runs the scheduler")
            await asyncio.wait_for(outlet.ready(), self.cfg.platform_wait_seconds)
            ids = await outlet.deliver(p.channel, p.reply, p.marker, p.resuming)
        except DeliveryRefused as exc:
            log.warning("not posted: %s", exc)
            await asyncio.to_thread(self._record, p, FAILED, error=str(exc)[:512])
            if exc.channel_gone and p.kind == DIGEST:
                await asyncio.to_thread(self._stop_if_gone, p.key[0])
        except asyncio.CancelledError:
            self._inflight.discard(p.key)  # still claimed: the next sweep or leader finishes it
            raise
        except Exception as exc:
            reason = _one_line(exc)
            final = p.attempts + 1 >= self.cfg.max_attempts
            log.warning("posting to %s failed (attempt %d of %d): %s", p.platform, p.attempts + 1, self.cfg.max_attempts, reason)
            await asyncio.to_thread(self._record, p, FAILED if final else CLAIMED, error=reason, attempt=True)
        else:
            await asyncio.to_thread(self._record, p, POSTED, message_ids=ids)
            if p.kind == DIGEST:
                DIGESTS_POSTED.labels(p.platform).inc()
            log.info("posted to %s:%s (%d message%s)", p.platform, p.channel, len(ids), "" if len(ids) == 1 else "s")

    def _stop_if_gone(self, subscription_id: int) -> None:
        """Turn a channel's schedule off when its last REFUSED_BEFORE_OFF digests were all refused
        (a deleted or archived channel, a server that removed the bot): a digest was built for
        nothing at every slot, forever. /news schedule says why; setting it again starts over."""
        with self.store.session() as s:
            last = deliveries.recent_digests(s, subscription_id, REFUSED_BEFORE_OFF)
            if len(last) < REFUSED_BEFORE_OFF or any(r.status != FAILED or r.attempts for r in last):
                return
            sub = s.get(Subscription, subscription_id)
            if sub is not None and sub.cron:
                log.error("subscription %s: schedule %r turned off: the last %d digests were refused (%s)", sub.id, sub.cron, len(last), last[0].error)
                sub.cron = None  # the next sync removes its job

    def _record(self, p: Pending, status: str, error: str | None = None, message_ids: list[str] | None = None, attempt: bool = False) -> None:
        try:
            with self.store.session() as s:
                row = s.get(Delivery, p.delivery_id)
                if attempt:
                    row.attempts += 1
                    row.retry_at = self.clock() + RETRY_DELAY * 2 ** (row.attempts - 1)
                if status == CLAIMED:
                    row.error = error
                else:
                    self._finish(row, status, error, message_ids)
        finally:
            self._inflight.discard(p.key)

    # --- finishing what a crash or a failure left ---------------------------------------------------

    async def recover(self) -> None:
        """Finish claimed slots that no one in this process is working on: the previous leader
        died mid-post, or a post failed for a passing reason. Older than the grace: given up."""
        plans = await asyncio.to_thread(self._recoverable, self.clock())
        for p in plans:
            self._spawn(self._resume(p))

    def _recoverable(self, now: datetime) -> list[Pending]:
        cutoff = now - self.grace
        with self.store.session() as s:
            for row in deliveries.stale(s, cutoff):
                if (row.subscription_id, row.slot) not in self._inflight:
                    log.warning("gave up on the slot %s of subscription %s: not confirmed within the catch-up grace", row.slot, row.subscription_id)
                    self._finish(row, FAILED, error=row.error or "not confirmed within the catch-up grace")
            found = {(r.subscription_id, r.slot): r.id for r in deliveries.unfinished(s, cutoff, now)}
        mine = {k: i for k, i in found.items() if k not in self._inflight}
        # Read again after marking them: a post this process finished between that read and the
        # check (so no longer in flight) is finished in the database by now, and is dropped.
        self._inflight.update(mine)
        with self.store.session() as s:
            still = {(r.subscription_id, r.slot) for r in deliveries.unfinished(s, cutoff, now)}
        self._inflight.difference_update(set(mine) - still)
        plans = []
        for key, delivery_id in mine.items():
            if key not in still:
                continue
            try:
                plan = self._build(delivery_id, resuming=True)
            except Exception:
                log.exception("could not resume delivery %s", delivery_id)
                plan = None
            if plan is None:
                self._inflight.discard(key)
            else:
                plans.append(plan)
        return plans

    async def _resume(self, p: Pending) -> None:
        with log_context(delivery=p.delivery_id):
            log.info("finishing an unfinished post (%s)", p.marker)
            await self._send(p)

    # --- feeds ------------------------------------------------------------------------------------

    async def poll_feeds(self) -> None:
        """Poll the feeds that are due, a few at a time; tell channels about feeds just disabled."""
        feeds = await asyncio.to_thread(polling.due_feeds, self.store, self.clock())
        gate = asyncio.Semaphore(self.cfg.feed_concurrency)

        async def one(feed_id: int, url: str) -> None:
            async with gate:
                with log_context(feed=url):
                    try:
                        result = await asyncio.to_thread(polling.poll_feed, self.store, self.settings, feed_id, self.clock())
                    except Exception:
                        log.exception("polling the feed failed")
                        return
                    ARTICLES_INGESTED.labels("feed").inc(result.new)
                    if result.just_disabled:
                        await self.feed_disabled(feed_id)

        await asyncio.gather(*(one(f.id, f.url) for f in feeds))
        FEEDS_FAILING.set(await asyncio.to_thread(self._failing_feeds))

    def _failing_feeds(self) -> int:
        with self.store.session() as s:
            return s.scalar(select(func.count()).select_from(Feed).where(or_(Feed.error_count > 0, Feed.disabled_at.is_not(None)))) or 0

    async def feed_disabled(self, feed_id: int) -> None:
        """A short notice, once, to every channel that follows the feed."""
        plans = await asyncio.to_thread(self._claim_feed_notices, feed_id)
        await asyncio.gather(*(self._send(p) for p in plans))

    def _claim_feed_notices(self, feed_id: int) -> list[Pending]:
        claimed: list[Pending] = []
        try:
            return self._claim_notices(feed_id, claimed)
        except BaseException:
            self._inflight.difference_update(p.key for p in claimed)
            raise

    def _claim_notices(self, feed_id: int, claimed: list[Pending]) -> list[Pending]:
        now = self.clock()
        with self.store.session() as s:
            feed = s.get(Feed, feed_id)
            if feed is None or feed.disabled_at is None:
                return []
            shown = without_secrets(feed.url)  # a private feed's passkey is not for the channel
            again = f"/news subscribe {feed.url}" if shown == feed.url else "/news subscribe and its full address"
            text = (
                f"I stopped checking the feed {shown}: {without_secrets(feed.disabled_reason or 'it kept failing')}. "
                f"An admin can try it again with {again}, or drop it with /news unsubscribe {shown}."
            )
            slot = f"feed {feed.id} disabled {feed.disabled_at:%Y-%m-%dT%H:%M:%S}"
            subs = s.scalars(select(Subscription).join(SubscriptionFeed).where(SubscriptionFeed.feed_id == feed_id).order_by(Subscription.id)).all()
            for sub in subs:
                if sub.platform not in self.outlets:
                    continue
                key = (sub.id, slot)
                row = self._claim(s, key, subscription_id=sub.id, slot_at=feed.disabled_at, kind=NOTICE, payload={"notice": text}, built_at=now, claimed_at=now)
                if row is not None:
                    claimed.append(Pending(row.id, key, NOTICE, sub.platform, sub.channel, _reply(row.payload), marker(row), None, 0))
        return claimed


def _reply(payload: dict) -> Reply:
    if "digest" in payload:
        return Reply.of(DigestView(digest_from_json(payload["digest"]), footer=HINT))
    return Reply.of(Notice(payload["notice"]))


def _local(t: datetime, tz: str) -> str:
    return f"{t.astimezone(ZoneInfo(tz)):%a %d %b %H:%M %Z}"


def _hours(d: timedelta) -> str:
    h = d.total_seconds() / 3600
    return f"{h:.1f} h" if h < 48 else f"{h / 24:.1f} days"


def _said(s, subscription_id: int) -> dict[str, frozenset[str]]:
    """The sentences of the channel's last few digests, by story id: a story that grew since is
    told by what is new, not by its earlier summary again."""
    said: dict[str, set[str]] = {}
    for row in deliveries.posted_digests(s, subscription_id):
        for story in digest_from_json(row.payload["digest"]).stories:
            said.setdefault(story.id, set()).update(x.text for x in story.sentences)
    return {k: frozenset(v) for k, v in said.items()}


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, DeliveryFailed):
        return str(exc)[:300]
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__
