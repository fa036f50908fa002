// npm run bench:e2e: events per second from webhook to reservation, through the Plum sandbox, at
// several upstream latencies and worker process counts, with the peak memory of each process.
// `--help` lists the knobs.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { runScenario, startSandbox } from '../sandbox';
import type { RunningSandbox } from '../sandbox';
import { formatProfileSummary, ProfileSummary, summarizeCpuProfile } from './lib/cpuprofile';
import {
  appTransactions,
  backendCpuMs,
  backendCpuSpent,
  BENCH_WEBHOOK_SECRET,
  BenchDatabases,
  BuildSnapshot,
  deleteRedisPrefix,
  newRedisPrefix,
  newRunId,
  REDIS_URL,
  RESULTS_DIR,
  snapshotBuild,
  startAppProcess,
  startHttpApp,
  withDatabase,
} from './lib/infra';
import { readOptions } from './lib/options';
import { freePort, ManagedProcess, onInterrupt, sleep, stopAll, waitFor } from './lib/processes';
import { describeMachine, fmt, MachineInfo, machineInfo, markdownTable, median } from './lib/stats';

export interface E2eOptions {
  bookings: number;
  /** Passes over every configuration; the summary takes the median. */
  rounds: number;
  latenciesMs: number[];
  workerCounts: number[];
  /** WORKER_CONCURRENCY of each worker process. */
  concurrency: number;
  /** Webhook deliveries the sandbox keeps in flight at once. */
  deliveryConcurrency: number;
  /** Give up on one configuration after this long. */
  timeoutS: number;
  seed: number;
  logLevel: string;
  /** Run the worker processes under --cpu-prof and summarize where worker 1's CPU time goes. */
  profile: boolean;
}

export const E2E_DEFAULTS: E2eOptions = {
  bookings: 500,
  rounds: 2,
  latenciesMs: [0, 50],
  workerCounts: [1, 2],
  concurrency: 10,
  deliveryConcurrency: 10,
  timeoutS: 120,
  seed: 20261204,
  logLevel: 'warn',
  profile: false,
};

export interface E2eRun {
  round: number;
  latencyMs: number;
  workers: number;
  /** Events the sandbox sent (bookings' and listings'), each delivered once. */
  events: number;
  processed: number;
  failed: number;
  /** From resuming delivery (the first webhook goes out at once) to the last event processed. */
  elapsedMs: number;
  eventsPerSec: number;
  /** From resuming delivery until the sandbox had every webhook answered 2xx. */
  deliveredMs: number | null;
  /** Booking fetches the workers made (GET /v2/bookings/{code}). */
  fetches: number;
  /** Postgres transactions (commits and rollbacks) of the app processes per event: the api's and the workers' together. */
  transactionsPerEvent: number | null;
  /** Rows inserted, updated and deleted per event, by table (from pg_stat_user_tables). */
  rowWritesPerEvent: Record<string, { inserted: number; updated: number; deleted: number }>;
  /** Reservations whose stored status differs from the sandbox's final one (must be 0). */
  mismatches: number;
  bookings: number;
  reservations: number;
  peakRssKb: { api: number | null; workers: (number | null)[] };
  /**
   * CPU time per event from release to the last event processed: the api process, all workers
   * together, their Postgres backends, and the bench runner (the sandbox answering and delivering).
   */
  cpuMsPerEvent: { api: number | null; workers: number | null; postgres: number; runner: number };
  completed: boolean;
  profile?: { file: string; summary: ProfileSummary };
}

export interface E2eSummary {
  latencyMs: number;
  workers: number;
  /** Median over the rounds. */
  eventsPerSec: number;
  workerCpuMsPerEvent: number;
}

export interface E2eResult {
  options: E2eOptions;
  machine: MachineInfo;
  runs: E2eRun[];
  summary: E2eSummary[];
  /** The bench runner, which hosts the sandbox. */
  runnerPeakRssKb: number;
  correct: boolean;
}

const USAGE = `npm run bench:e2e -- [flags]   (each flag also reads BENCH_<NAME>, e.g. BENCH_BOOKINGS)

  --bookings N               bookings per configuration, run through the sandbox's scenario mix (default ${E2E_DEFAULTS.bookings})
  --rounds N                 passes over every configuration; the summary takes the median (default ${E2E_DEFAULTS.rounds})
  --latencies LIST           upstream latencies in ms (default ${E2E_DEFAULTS.latenciesMs.join(',')})
  --workers LIST             worker process counts (default ${E2E_DEFAULTS.workerCounts.join(',')})
  --concurrency N            WORKER_CONCURRENCY per worker process (default ${E2E_DEFAULTS.concurrency})
  --delivery-concurrency N   webhooks the sandbox keeps in flight (default ${E2E_DEFAULTS.deliveryConcurrency})
  --timeout S                limit per configuration (default ${E2E_DEFAULTS.timeoutS})
  --seed N                   scenario seed (default ${E2E_DEFAULTS.seed})
  --log-level LEVEL          LOG_LEVEL of the app processes (default ${E2E_DEFAULTS.logLevel})
  --profile                  run the workers under --cpu-prof and print where worker 1's CPU time goes
  --json PATH                also write the result as JSON

Needs a build (npm run build), and Postgres and Redis on 127.0.0.1.`;

interface Progress {
  total: number;
  processed: number;
  failed: number;
  lastProcessedAt: Date | null;
}

type TableWrites = Record<string, { inserted: number; updated: number; deleted: number }>;

async function tableWrites(databaseUrl: string): Promise<TableWrites> {
  return withDatabase(databaseUrl, async (client) => {
    const { rows } = await client.query<{ relname: string; ins: string; upd: string; del: string }>(
      'SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables',
    );
    return Object.fromEntries(rows.map((r) => [r.relname, { inserted: Number(r.ins), updated: Number(r.upd), deleted: Number(r.del) }]));
  });
}

function writesPerEvent(before: TableWrites, after: TableWrites, events: number): TableWrites {
  const out: TableWrites = {};
  for (const [table, a] of Object.entries(after)) {
    const b = before[table] ?? { inserted: 0, updated: 0, deleted: 0 };
    const d = { inserted: (a.inserted - b.inserted) / events, updated: (a.updated - b.updated) / events, deleted: (a.deleted - b.deleted) / events };
    if (d.inserted + d.updated + d.deleted > 0) out[table] = d;
  }
  return out;
}

export function totalRowWrites(writes: TableWrites): number {
  return Object.values(writes).reduce((sum, w) => sum + w.inserted + w.updated + w.deleted, 0);
}

export function describeRowWrites(writes: TableWrites): string {
  const n = (x: number) => (Math.round(x * 100) / 100).toString();
  return Object.entries(writes)
    .filter(([table, w]) => totalRowWrites({ [table]: w }) >= 0.005)
    .sort((a, b) => totalRowWrites({ [b[0]]: b[1] }) - totalRowWrites({ [a[0]]: a[1] }))
    .map(([table, w]) => {
      const parts = [w.inserted > 0 ? `${n(w.inserted)} ins` : '', w.updated > 0 ? `${n(w.updated)} upd` : '', w.deleted > 0 ? `${n(w.deleted)} del` : ''];
      return `${table} ${parts.filter(Boolean).join(' ')}`;
    })
    .join(', ');
}

async function progress(databaseUrl: string): Promise<Progress> {
  return withDatabase(databaseUrl, async (client) => {
    const { rows } = await client.query<{ total: string; processed: string; failed: string; last: Date | null }>(`
      SELECT count(*) AS total,
             count(*) FILTER (WHERE status = 'processed') AS processed,
             count(*) FILTER (WHERE status = 'failed') AS failed,
             max(processed_at) AS last
      FROM webhook_events`);
    const r = rows[0];
    return { total: Number(r.total), processed: Number(r.processed), failed: Number(r.failed), lastProcessedAt: r.last };
  });
}

/** Reservations whose status is not the sandbox's final status of the booking. */
async function compareWithSandbox(databaseUrl: string, sandbox: RunningSandbox): Promise<{ mismatches: number; bookings: number; reservations: number }> {
  const stored = await withDatabase(databaseUrl, async (client) => {
    const { rows } = await client.query<{ booking_code: string; status: string }>('SELECT booking_code, status FROM reservations');
    return new Map(rows.map((r) => [r.booking_code, r.status]));
  });
  const bookings = sandbox.bookings();
  let mismatches = 0;
  for (const booking of bookings) {
    if (stored.get(String(booking.bookingCode)) !== booking.status) mismatches++;
  }
  return { mismatches, bookings: bookings.length, reservations: stored.size };
}

async function runConfiguration(
  round: number,
  latencyMs: number,
  workers: number,
  ctx: { options: E2eOptions; runId: string; dbs: BenchDatabases; main: string; prefixes: string[] },
  log: (line: string) => void,
): Promise<E2eRun> {
  const { options } = ctx;
  const label = `r${round}l${latencyMs}w${workers}`;
  const databaseUrl = await ctx.dbs.clone(label);
  const redisPrefix = newRedisPrefix(ctx.runId, label);
  ctx.prefixes.push(redisPrefix);
  const sandbox = await startSandbox({ localMode: true, retryBaseMs: 200, deliveryTimeoutMs: 10_000, seed: options.seed });
  const procs: ManagedProcess[] = [];
  try {
    await sandbox.setFaults({ latencyMs });
    await sandbox.setDelivery({ concurrency: options.deliveryConcurrency });
    const common = {
      main: ctx.main,
      databaseUrl,
      redisPrefix,
      plumApiUrl: sandbox.url,
      plumClientId: sandbox.clientId,
      plumClientSecret: sandbox.clientSecret,
      logLevel: options.logLevel,
      extraEnv: { WORKER_CONCURRENCY: String(options.concurrency), JOB_BACKOFF_MS: '500' },
    };
    const apiPort = await freePort();
    const profileDirs = Array.from({ length: workers }, (_, i) => join(RESULTS_DIR, `profile-${ctx.runId}`, `${label}-worker-${i + 1}`));
    if (options.profile) profileDirs.forEach((dir) => mkdirSync(dir, { recursive: true }));
    const workerProcs = Array.from({ length: workers }, (_, i) =>
      startAppProcess({
        ...common,
        name: `worker-${i + 1}`,
        role: 'worker',
        port: 0,
        nodeFlags: options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDirs[i]] : [],
      }),
    );
    procs.push(...workerProcs);
    const api = await startHttpApp({ ...common, name: 'api', role: 'api', port: apiPort });
    procs.push(api);
    // Every worker must be taking jobs before the clock starts, or start-up time would count as processing time.
    const queue = new Queue('plum-events', { connection: { url: REDIS_URL }, prefix: redisPrefix });
    try {
      await waitFor(async () => (await queue.getWorkersCount()) >= workers, { timeoutMs: 60_000, what: `${workers} worker(s) connected` });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${workerProcs.map((p) => `${p.name}:\n${p.output()}`).join('\n')}`);
    } finally {
      await queue.close();
    }

    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await sandbox.setWebhookConfig({
      isActive: true,
      endpoints: {
        bookings: `${apiUrl}/webhooks/bookings?token=${BENCH_WEBHOOK_SECRET}`,
        listings: `${apiUrl}/webhooks/listings?token=${BENCH_WEBHOOK_SECRET}`,
      },
    });
    // Make every booking first (deliveries held), then release them all: a burst, measured as a whole.
    await sandbox.pause();
    await runScenario(sandbox, { bookings: options.bookings, seed: options.seed, duplicates: 0, reorder: false, delayMs: 0, jitterMs: 0 });
    const events = sandbox.events().filter((e) => e.queued).length;

    const transactionsBefore = await appTransactions(databaseUrl);
    const writesBefore = await tableWrites(databaseUrl);
    const cpuOf = (ps: ManagedProcess[]): number | null => {
      const values = ps.map((p) => p.cpuMs());
      return values.some((v) => v === null) ? null : (values as number[]).reduce((a, b) => a + b, 0);
    };
    const cpuBefore = { api: cpuOf([api]), workers: cpuOf(workerProcs), postgres: await backendCpuMs(databaseUrl), runner: process.cpuUsage() };
    const started = Date.now();
    await sandbox.resume();
    let deliveredMs: number | null = null;
    let state = await progress(databaseUrl);
    const deadline = started + options.timeoutS * 1000;
    while (state.processed + state.failed < events && Date.now() < deadline) {
      await sleep(100);
      const stats = sandbox.stats();
      if (deliveredMs === null && stats.pending === 0 && stats.inFlight === 0) deliveredMs = Date.now() - started;
      state = await progress(databaseUrl);
    }
    const completed = state.processed + state.failed >= events;
    const cpuAfter = { api: cpuOf([api]), workers: cpuOf(workerProcs), postgres: await backendCpuMs(databaseUrl), runner: process.cpuUsage(cpuBefore.runner) };
    const perEvent = (before: number | null, after: number | null): number | null => (before === null || after === null ? null : (after - before) / events);
    const elapsedMs = (state.lastProcessedAt?.getTime() ?? Date.now()) - started;
    const check = await compareWithSandbox(databaseUrl, sandbox);
    // A backend reports its counts when it exits: stop the app (worker 1 then writes its profile) before reading them.
    await Promise.all(procs.map((p) => p.stop()));
    const transactionsDuring = (await appTransactions(databaseUrl)) - transactionsBefore;
    const rowWritesPerEvent = writesPerEvent(writesBefore, await tableWrites(databaseUrl), events);
    const run: E2eRun = {
      round,
      latencyMs,
      workers,
      events,
      processed: state.processed,
      failed: state.failed,
      elapsedMs,
      eventsPerSec: completed ? events / (elapsedMs / 1000) : Number.NaN,
      deliveredMs,
      fetches: sandbox.requests({ method: 'GET', path: '/v2/bookings/' }).length,
      transactionsPerEvent: completed ? transactionsDuring / events : null,
      rowWritesPerEvent,
      ...check,
      peakRssKb: { api: api.peakRssKb(), workers: workerProcs.map((p) => p.peakRssKb()) },
      cpuMsPerEvent: {
        api: perEvent(cpuBefore.api, cpuAfter.api),
        workers: perEvent(cpuBefore.workers, cpuAfter.workers),
        postgres: backendCpuSpent(cpuBefore.postgres, cpuAfter.postgres) / events,
        runner: (cpuAfter.runner.user + cpuAfter.runner.system) / 1000 / events,
      },
      completed,
    };
    if (options.profile) {
      const file = readdirSync(profileDirs[0]).find((f) => f.endsWith('.cpuprofile'));
      if (file) run.profile = { file: join(profileDirs[0], file), summary: summarizeCpuProfile(join(profileDirs[0], file), { activeFrame: /plum-event\.processor/ }) };
    }
    log(formatRun(run));
    if (run.profile) log(`CPU profile of worker 1 (${run.profile.file}):\n${formatProfileSummary(run.profile.summary)}`);
    return run;
  } finally {
    await Promise.allSettled(procs.map((p) => p.stop()));
    await sandbox.close();
    await deleteRedisPrefix(redisPrefix).catch(() => undefined);
  }
}

const cpuText = (ms: number | null): string => (ms === null || !Number.isFinite(ms) ? '?' : `${ms.toFixed(1)} ms`);

function formatRun(r: E2eRun): string {
  const rss = [`api ${fmt.mib(r.peakRssKb.api)}`, ...r.peakRssKb.workers.map((kb, i) => `worker ${i + 1} ${fmt.mib(kb)}`)].join(', ');
  return (
    `round ${r.round}, latency ${String(r.latencyMs).padStart(2)} ms, ${r.workers} worker(s): ${r.completed ? `${fmt.int(r.eventsPerSec)} events/s` : 'DID NOT FINISH'} ` +
    `(${r.events} events in ${(r.elapsedMs / 1000).toFixed(2)} s, all delivered after ${r.deliveredMs === null ? '?' : (r.deliveredMs / 1000).toFixed(2)} s; ` +
    `${r.processed} processed, ${r.failed} failed, ${r.fetches} fetches, ` +
    `${r.transactionsPerEvent === null ? '?' : r.transactionsPerEvent.toFixed(1)} Postgres transactions and ${totalRowWrites(r.rowWritesPerEvent).toFixed(1)} row writes per event, ${r.mismatches} of ${r.bookings} bookings differ) ` +
    `CPU per event: workers ${cpuText(r.cpuMsPerEvent.workers)}, api ${cpuText(r.cpuMsPerEvent.api)}, Postgres ${cpuText(r.cpuMsPerEvent.postgres)}, ` +
    `sandbox ${cpuText(r.cpuMsPerEvent.runner)}; peak RSS ${rss}`
  );
}

export async function runE2eBench(
  options: E2eOptions,
  log: (line: string) => void = console.log,
  /** A snapshot of the build shared with other benchmarks of the same run; made (and removed) here when absent. */
  shared?: BuildSnapshot,
): Promise<E2eResult> {
  const runId = newRunId();
  const machine = machineInfo();
  const build = shared ?? snapshotBuild(runId);
  let dbs: BenchDatabases | undefined;
  const prefixes: string[] = [];
  const cleanup = async (): Promise<void> => {
    await stopAll();
    await Promise.allSettled([dbs?.drop(), ...prefixes.map((p) => deleteRedisPrefix(p))]);
    if (!shared) build.remove();
  };
  const unregister = onInterrupt(cleanup);
  try {
    log(`e2e bench ${runId}: ${describeMachine(machine)}`);
    log(
      `${options.bookings} bookings per configuration (sandbox scenario mix, seed ${options.seed}), WORKER_CONCURRENCY ${options.concurrency}, ` +
        `${options.deliveryConcurrency} deliveries in flight, an api process plus 1..n worker processes`,
    );
    dbs = await BenchDatabases.create(runId);
    const runs: E2eRun[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      for (const latencyMs of options.latenciesMs) {
        for (const workers of options.workerCounts) {
          runs.push(await runConfiguration(round, latencyMs, workers, { options, runId, dbs, main: build.main, prefixes }, log));
        }
      }
    }
    const summary = options.latenciesMs.flatMap((latencyMs) =>
      options.workerCounts.map((workers): E2eSummary => {
        const mine = runs.filter((r) => r.latencyMs === latencyMs && r.workers === workers);
        return {
          latencyMs,
          workers,
          eventsPerSec: median(mine.map((r) => r.eventsPerSec)),
          workerCpuMsPerEvent: median(mine.map((r) => r.cpuMsPerEvent.workers ?? Number.NaN)),
        };
      }),
    );
    for (const s of summary) log(`median: latency ${s.latencyMs} ms, ${s.workers} worker(s): ${fmt.int(s.eventsPerSec)} events/s, worker CPU ${cpuText(s.workerCpuMsPerEvent)} per event`);
    const correct = runs.every((r) => r.completed && r.failed === 0 && r.processed === r.events && r.mismatches === 0);
    return { options, machine, runs, summary, runnerPeakRssKb: process.resourceUsage().maxRSS, correct };
  } finally {
    unregister();
    await cleanup();
  }
}

export function e2eMarkdown(r: E2eResult): string {
  const o = r.options;
  const maxWorkers = Math.max(...r.runs.map((run) => run.workers));
  const rows = r.runs.map((run) => [
    String(run.round),
    `${run.latencyMs} ms`,
    String(run.workers),
    run.completed ? fmt.int(run.eventsPerSec) : 'did not finish',
    `${(run.elapsedMs / 1000).toFixed(2)} s`,
    run.deliveredMs === null ? '?' : `${(run.deliveredMs / 1000).toFixed(2)} s`,
    `${run.processed} / ${run.failed}`,
    String(run.mismatches),
    run.transactionsPerEvent === null ? '?' : run.transactionsPerEvent.toFixed(1),
    totalRowWrites(run.rowWritesPerEvent).toFixed(1),
    cpuText(run.cpuMsPerEvent.workers),
    cpuText(run.cpuMsPerEvent.api),
    cpuText(run.cpuMsPerEvent.postgres),
    cpuText(run.cpuMsPerEvent.runner),
    fmt.mib(run.peakRssKb.api),
    ...Array.from({ length: maxWorkers }, (_, i) => (i < run.peakRssKb.workers.length ? fmt.mib(run.peakRssKb.workers[i]) : '')),
  ]);
  const header = [
    'round',
    'upstream latency',
    'workers',
    'events/s',
    'last processed',
    'all delivered',
    'processed / failed',
    'status mismatches',
    'PG transactions / event',
    'row writes / event',
    'CPU / event: workers',
    'api',
    'Postgres',
    'sandbox',
    'peak RSS api',
    ...Array.from({ length: maxWorkers }, (_, i) => `peak RSS worker ${i + 1}`),
  ];
  const events = r.runs[0]?.events ?? 0;
  return [
    `### End to end: webhook → fetch → reservation, through the sandbox`,
    '',
    `${o.bookings} bookings (${events} events) per run from the sandbox's scenario mix (seed ${o.seed}); one \`api\` process and 1 or 2 ` +
      `\`worker\` processes (WORKER_CONCURRENCY ${o.concurrency}); the sandbox keeps ${o.deliveryConcurrency} deliveries in flight; ${o.rounds} round(s).`,
    '',
    markdownTable(
      ['upstream latency', 'workers', 'events/s (median)', 'worker CPU / event (median)'],
      r.summary.map((s) => [`${s.latencyMs} ms`, String(s.workers), `**${fmt.int(s.eventsPerSec)}**`, cpuText(s.workerCpuMsPerEvent)]),
    ),
    '',
    'Every run:',
    '',
    markdownTable(header, rows),
    '',
    r.runs[0] ? `Row writes per event by table (first run): ${describeRowWrites(r.runs[0].rowWritesPerEvent)}.` : '',
    `Bench runner (hosts the sandbox) peak RSS: ${fmt.mib(r.runnerPeakRssKb)}.`,
    `Correctness: ${r.correct ? "every event processed, none failed, and every reservation ends in the sandbox's final status." : '**FAILED**: see the table.'}`,
  ].join('\n');
}

export function e2eOptionsFromArgs(argv = process.argv.slice(2)): { options: E2eOptions; json?: string; help: boolean } {
  const o = readOptions(
    {
      bookings: { type: 'string' },
      rounds: { type: 'string' },
      latencies: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      'delivery-concurrency': { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      'log-level': { type: 'string' },
      profile: { type: 'boolean' },
      json: { type: 'string' },
    },
    argv,
  );
  return {
    help: o.help,
    json: o.string('json', ''),
    options: {
      bookings: o.number('bookings', E2E_DEFAULTS.bookings, { min: 1 }),
      rounds: o.number('rounds', E2E_DEFAULTS.rounds, { min: 1 }),
      latenciesMs: o.numbers('latencies', E2E_DEFAULTS.latenciesMs),
      workerCounts: o.numbers('workers', E2E_DEFAULTS.workerCounts),
      concurrency: o.number('concurrency', E2E_DEFAULTS.concurrency, { min: 1 }),
      deliveryConcurrency: o.number('delivery-concurrency', E2E_DEFAULTS.deliveryConcurrency, { min: 1 }),
      timeoutS: o.number('timeout', E2E_DEFAULTS.timeoutS, { min: 1 }),
      seed: o.number('seed', E2E_DEFAULTS.seed),
      logLevel: o.string('log-level', E2E_DEFAULTS.logLevel, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      profile: o.flag('profile'),
    },
  };
}

async function main(): Promise<void> {
  const { options, json, help } = e2eOptionsFromArgs();
  if (help) return console.log(USAGE);
  const result = await runE2eBench(options);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = json || join(RESULTS_DIR, `e2e-${result.machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nbench runner (sandbox) peak RSS ${fmt.mib(result.runnerPeakRssKb)}; correctness: ${result.correct ? 'ok' : 'FAILED'}\nresult: ${path}`);
  if (!result.correct) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // A wrong flag needs its message, not a stack.
    const usage = error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    console.error(error instanceof Error ? (usage ? error.message : error.stack ?? error.message) : String(error));
    process.exit(usage ? 2 : 1);
  });
}
