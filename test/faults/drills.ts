import { rmSync } from 'node:fs';
import type { RunningSandbox } from '../../sandbox';
import { PrivatePostgres } from '../support/private-postgres';
import { PrivateRedis } from '../support/private-redis';
import { migrate } from '../support/databases';
import { Drill, sleep } from './lib/drill';
import { EventStream } from './lib/event-stream';
import { countProcessed, rowsByStatus, Tally } from './lib/tally';

export interface DrillDefinition {
  name: string;
  summary: string;
  run(drill: Drill): Promise<Tally>;
}

/** Deliveries the sandbox started within [from, to), by answer: `200`, `503`, `ECONNREFUSED`, ... */
function answersBetween(sandbox: RunningSandbox, from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of sandbox.deliveries()) {
    const at = Date.parse(d.at);
    if (at < from || at >= to) continue;
    const key = d.status === null ? (d.error ?? 'no answer') : String(d.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const show = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k}×${n}`)
    .join(' ') || 'none';

/**
 * 1. A worker killed with SIGKILL in the middle of a backlog. Its in-flight jobs hold BullMQ locks
 * (30 s by default) and come back through the stalled-job check of the worker that replaces it, so
 * this drill takes at least that long.
 */
const workerKill: DrillDefinition = {
  name: 'worker-kill',
  summary: 'SIGKILL the worker a third of the way through a backlog, start another',
  async run(drill) {
    const total = drill.settings.killEvents;
    const sandbox = await drill.sandbox();
    // A slow upstream keeps the worker's 10 slots busy, so the kill lands on jobs in flight.
    await sandbox.setFaults({ latencyMs: 60, latencyJitterMs: 40, faultPathPrefix: '/v2/bookings' });
    const app = { databaseUrl: await drill.sharedDatabase(), redisUrl: drill.settings.sharedRedisUrl, redisPrefix: drill.sharedRedisPrefix() };
    await drill.startApi(sandbox, app);

    const stream = new EventStream(sandbox, drill.random);
    await stream.burst(total);
    await sandbox.waitForIdle(60_000);
    drill.log(`backlog: ${stream.changes} events delivered with no worker running (${show(await rowsByStatus(app.databaseUrl))})`);

    const first = await drill.startWorker(sandbox, app);
    const target = Math.floor(total / 3);
    let processed = 0;
    const deadline = Date.now() + 60_000;
    while ((processed = await countProcessed(app.databaseUrl)) < target) {
      if (Date.now() > deadline) throw new Error(`the first worker processed only ${processed} events in 60 s`);
      await sleep(20);
    }
    await first.kill();
    const atKill = await rowsByStatus(app.databaseUrl);
    drill.note(`kill -9 ${first.name} at processed=${processed}; rows then: ${show(atKill)}`);

    await drill.startWorker(sandbox, app);
    return drill.settle(sandbox, app.databaseUrl, 150_000);
  },
};

/**
 * 2. Redis killed while events arrive (with a burst just before, so jobs are waiting), webhooks
 * keep coming for a while (they must still be answered 200), then Redis comes back empty: the
 * harshest case, nothing persisted. The relay and the same worker process must finish everything.
 */
const redisRestart: DrillDefinition = {
  name: 'redis-restart',
  summary: 'kill a private redis-server mid-stream, keep sending, start it again empty',
  async run(drill) {
    const redis = await PrivateRedis.start();
    drill.defer(() => {
      rmSync(redis.dir, { recursive: true, force: true });
    });
    drill.defer(() => redis.stop());
    const sandbox = await drill.sandbox();
    await sandbox.setFaults({ latencyMs: 30, latencyJitterMs: 40, faultPathPrefix: '/v2/bookings' });
    const app = { databaseUrl: await drill.sharedDatabase(), redisUrl: redis.url, redisPrefix: `plumline-faults-${drill.settings.runId}` };
    await drill.startApi(sandbox, app);
    await drill.startWorker(sandbox, app);

    const stream = new EventStream(sandbox, drill.random);
    stream.start(25);
    await sleep(3_000);
    await stream.burst(60);
    await sleep(150);
    const before = await rowsByStatus(app.databaseUrl);
    await redis.stop();
    const downAt = Date.now();
    drill.note(`redis-server killed (SIGKILL) after ${stream.changes} events; rows then: ${show(before)}`);
    await sleep(4_000);
    await redis.start();
    const upAt = Date.now();
    drill.note(`redis-server started again, empty, after ${((upAt - downAt) / 1000).toFixed(1)} s; ${stream.changes} events so far`);
    await sleep(4_000);
    await stream.stop();

    const during = answersBetween(sandbox, downAt, upAt);
    drill.note(`webhook answers while Redis was down: ${show(during)}`);
    const non2xx = Object.entries(during).filter(([k]) => !/^2\d\d$/.test(k));
    drill.check('every webhook during the Redis outage was answered 2xx', non2xx.length === 0);
    const result = await drill.settle(sandbox, app.databaseUrl, 60_000);
    // Where any loss happened: by when each event was first acknowledged.
    const phases = { 'before the kill': [downAt - 1e12, downAt], 'while Redis was down': [downAt, upAt], 'after Redis came back': [upAt, Date.now()] } as const;
    for (const [phase, [from, to]] of Object.entries(phases)) {
      const ids = [...result.ackedAt].filter(([, at]) => at >= from && at < to).map(([id]) => id);
      const done = ids.filter((id) => result.outcome.get(id) === null).length;
      drill.note(`acknowledged ${phase}: ${ids.length}, processed ${done}`);
    }
    return result;
  },
};

/**
 * 3. A private Postgres cluster stopped twice while events arrive: once `fast` (clean), once
 * `immediate` (a crash, recovered on start). Webhooks answer 503 meanwhile and the sender retries;
 * workers whose writes fail retry. Nothing acknowledged may be lost.
 */
const postgresRestart: DrillDefinition = {
  name: 'postgres-restart',
  summary: 'stop a private Postgres (fast, then immediate) twice mid-stream, start it again',
  async run(drill) {
    const pg = await PrivatePostgres.start();
    drill.defer(() => pg.destroy());
    const databaseUrl = pg.url('plumline');
    migrate(databaseUrl);
    drill.log(`private Postgres on port ${pg.port}, migrated`);
    const sandbox = await drill.sandbox({ retryBaseMs: 100, maxDeliveryAttempts: 20 });
    await sandbox.setFaults({ latencyMs: 20, latencyJitterMs: 20, faultPathPrefix: '/v2/bookings' });
    const app = { databaseUrl, redisUrl: drill.settings.sharedRedisUrl, redisPrefix: drill.sharedRedisPrefix() };
    await drill.startApi(sandbox, app);
    await drill.startWorker(sandbox, app);

    const stream = new EventStream(sandbox, drill.random);
    stream.start(25);
    const outages: [number, number][] = [];
    for (const mode of ['fast', 'immediate'] as const) {
      await sleep(3_000);
      await pg.stop(mode);
      const downAt = Date.now();
      drill.note(`Postgres stopped (-m ${mode}) after ${stream.changes} events`);
      await sleep(4_000);
      await pg.start();
      outages.push([downAt, Date.now()]);
      drill.note(`Postgres started again after ${((Date.now() - downAt) / 1000).toFixed(1)} s`);
    }
    await sleep(3_000);
    await stream.stop();

    const answers: Record<string, number> = {};
    for (const [from, to] of outages) {
      const during = answersBetween(sandbox, from, to);
      drill.note(`webhook answers during an outage: ${show(during)}`);
      for (const [k, n] of Object.entries(during)) answers[k] = (answers[k] ?? 0) + n;
    }
    // The failure matrix: Postgres down means 503 (2xx for what was committed just before).
    const other = Object.keys(answers).filter((k) => k !== '503' && !/^2\d\d$/.test(k));
    drill.check(`webhooks during the outages were answered 503 (or 2xx)${other.length ? `, not ${other.join(', ')}` : ''}`, other.length === 0);
    return drill.settle(sandbox, databaseUrl, 120_000);
  },
};

/**
 * 4. Plum answering 503 to everything for a while (60 s by default, FAULTS_QUICK=1: 10 s) while
 * events arrive; then it recovers. Jobs retry with backoff until they get through.
 */
const plumOutage: DrillDefinition = {
  name: 'plum-outage',
  summary: 'Plum answers 503 to every request for a while, then recovers',
  async run(drill) {
    const sandbox = await drill.sandbox();
    const app = { databaseUrl: await drill.sharedDatabase(), redisUrl: drill.settings.sharedRedisUrl, redisPrefix: drill.sharedRedisPrefix() };
    await drill.startApi(sandbox, app);
    await drill.startWorker(sandbox, app);

    const outageMs = drill.settings.plumOutageMs;
    const stream = new EventStream(sandbox, drill.random);
    stream.start(50);
    await sleep(3_000);
    await sandbox.setFaults({ errorRate: 1, errorStatus: 503, faultPathPrefix: '/' });
    const downAt = Date.now();
    drill.note(`Plum failing (503 on every route) after ${stream.changes} events, for ${outageMs / 1000} s`);
    await sleep(outageMs);
    await sandbox.setFaults({ errorRate: 0 });
    const failed = sandbox.requests().filter((r) => r.fault === 'error').length;
    drill.note(`Plum recovered after ${((Date.now() - downAt) / 1000).toFixed(1)} s; it refused ${failed} requests meanwhile`);
    await sleep(3_000);
    await stream.stop();
    return drill.settle(sandbox, app.databaseUrl, 2 * outageMs + 60_000);
  },
};

export const DRILLS: DrillDefinition[] = [workerKill, redisRestart, postgresRestart, plumOutage];
