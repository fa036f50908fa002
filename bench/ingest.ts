// npm run bench:ingest: the webhook endpoint of the compiled app against a minimal floor receiver,
// both driven by autocannon in the same run, alternating, with a check that every acknowledged
// request has its row. `--help` lists the knobs.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
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
  PG_STATS_IDLE_FLUSH_MS,
  REDIS_URL,
  redisClient,
  REPO_ROOT,
  RESULTS_DIR,
  snapshotBuild,
  startHttpApp,
  withDatabase,
} from './lib/infra';
import { readOptions } from './lib/options';
import { freePort, ManagedProcess, onInterrupt, sleep, startProcess, stopAll, waitForHealthy } from './lib/processes';
import { describeMachine, fmt, MachineInfo, machineInfo, markdownTable, median, quantile, SampleBuffer } from './lib/stats';

/** The profile counts from the first request routed to the last: start-up is left out. */
const APP_ACTIVE_FRAME = /router-proxy/;

export type FloorEnqueue = 'bullmq' | 'lpush';
export type TargetName = 'floor' | 'app';

export interface IngestOptions {
  connections: number;
  durationS: number;
  warmupS: number;
  rounds: number;
  floorEnqueue: FloorEnqueue;
  /** Run the app under --cpu-prof and summarize where its CPU time goes. */
  profile: boolean;
}

export const INGEST_DEFAULTS: IngestOptions = { connections: 50, durationS: 10, warmupS: 2, rounds: 3, floorEnqueue: 'bullmq', profile: false };

export interface IngestRun {
  round: number;
  target: TargetName;
  durationS: number;
  /** 2xx answers per second of the measured run. */
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** 2xx answers that said `duplicate` (every request carries a new eventId, so this must be 0). */
  duplicates: number;
  /** Acknowledged requests whose eventId has a row: must equal `ok`. */
  ackedWithRow: number;
  /** After the run: rows in the target's table, and jobs in its Redis queue, once both agree. */
  rows: number;
  jobs: number;
  /** How long after the load stopped the enqueues (answered already) took to catch up with the rows. */
  drainMs: number | null;
  /**
   * CPU time of the target's process per acknowledged request, over the run and its drain: less
   * sensitive to a busy machine than throughput (Postgres's and Redis's own CPU is not in it).
   */
  cpuMsPerRequest: number | null;
  /** CPU time of the target's Postgres backends per acknowledged request (what batching saves shows here). */
  pgCpuMsPerRequest: number;
}

export interface TargetSummary {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  pgCpuMsPerRequest: number;
  /** Over the whole benchmark, warm-ups included: 1 for one insert per request, far less when inserts are batched. */
  transactionsPerRow: number;
}

export interface IngestResult {
  options: IngestOptions;
  machine: MachineInfo;
  runs: IngestRun[];
  /** Medians over the rounds. */
  summary: Record<TargetName, TargetSummary>;
  ratios: { requestsPerSec: number; p50: number; p99: number; cpuPerRequest: number };
  peakRssKb: Record<TargetName | 'runner', number | null>;
  correct: boolean;
  profile?: { file: string; summary: ProfileSummary };
}

interface Target {
  name: TargetName;
  port: number;
  databaseUrl: string;
  redisPrefix: string;
  /** The Redis list the target's jobs wait in (no worker consumes them here). */
  jobsKey: string;
  proc: ManagedProcess;
}

interface DriveResult {
  durationS: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duplicates: number;
  acked: string[];
  latencies: Float64Array;
}

interface RequestContext {
  eventId?: string;
}

const USAGE = `npm run bench:ingest -- [flags]   (each flag also reads BENCH_<NAME>, e.g. BENCH_CONNECTIONS)

  --connections N       concurrent connections (default ${INGEST_DEFAULTS.connections})
  --duration S          seconds per measured run (default ${INGEST_DEFAULTS.durationS})
  --warmup S            seconds of discarded load before each measured run (default ${INGEST_DEFAULTS.warmupS})
  --rounds N            pairs, alternating floor, app | app, floor | ... (default ${INGEST_DEFAULTS.rounds})
  --floor-enqueue MODE  bullmq (a BullMQ add, as the app) or lpush (default ${INGEST_DEFAULTS.floorEnqueue})
  --profile             run the app under --cpu-prof and print where its CPU time goes
  --json PATH           also write the result as JSON (default bench/results/ingest-<run>.json)

Needs a build (npm run build), and Postgres and Redis on 127.0.0.1.`;

/** One autocannon run against a target; each request carries a new eventId. */
function drive(port: number, durationS: number, connections: number): Promise<DriveResult> {
  const acked: string[] = [];
  const latencies = new SampleBuffer();
  let duplicates = 0;
  const timestamp = new Date().toISOString();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections,
        duration: durationS,
        pipelining: 1,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: `/webhooks/bookings?token=${BENCH_WEBHOOK_SECRET}`,
            headers: { 'content-type': 'application/json' },
            setupRequest: (request, context) => {
              const eventId = randomUUID();
              (context as RequestContext).eventId = eventId;
              request.body = JSON.stringify({ eventId, timestamp, bookingCode: `PG-${eventId.slice(0, 8).toUpperCase()}`, listingId: null });
              return request;
            },
            // With pipelining 1 the context holds the request this answer belongs to.
            onResponse: (status, body, context) => {
              if (status < 200 || status >= 300) return;
              acked.push((context as RequestContext).eventId!);
              if (!body.includes('"accepted"')) duplicates++;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          durationS: result.duration,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          duplicates,
          acked,
          latencies: latencies.values(),
        });
      },
    );
    // autocannon's own histogram has 1 ms resolution; keep every 2xx latency to get sub-ms percentiles.
    instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
      if (status >= 200 && status < 300) latencies.push(responseTime);
    });
  });
}

async function countRowsFor(databaseUrl: string, eventIds: string[]): Promise<number> {
  return withDatabase(databaseUrl, async (client) => {
    let found = 0;
    for (let i = 0; i < eventIds.length; i += 10_000) {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM webhook_events WHERE event_id = ANY($1::uuid[])', [eventIds.slice(i, i + 10_000)]);
      found += Number(rows[0].n);
    }
    return found;
  });
}

/**
 * Waits until the target's Redis queue holds exactly one job per row, twice in a row: requests cut
 * off when the load stopped still commit and enqueue for a moment, and the enqueue follows the
 * answer in both targets.
 */
async function waitForDrain(target: Target): Promise<{ rows: number; jobs: number; drainMs: number | null }> {
  const redis = redisClient();
  const started = Date.now();
  try {
    return await withDatabase(target.databaseUrl, async (client) => {
      let agreed = 0;
      for (;;) {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM webhook_events');
        const count = Number(rows[0].n);
        const jobs = await redis.llen(target.jobsKey);
        agreed = jobs === count ? agreed + 1 : 0;
        if (agreed === 2) return { rows: count, jobs, drainMs: Date.now() - started };
        if (Date.now() - started > 30_000) return { rows: count, jobs, drainMs: null };
        await sleep(50);
      }
    });
  } finally {
    redis.disconnect();
  }
}

async function measure(target: Target, round: number, options: IngestOptions): Promise<IngestRun> {
  if (options.warmupS > 0) {
    await drive(target.port, options.warmupS, options.connections);
    await waitForDrain(target);
  }
  const cpuBefore = target.proc.cpuMs();
  const pgBefore = await backendCpuMs(target.databaseUrl);
  const run = await drive(target.port, options.durationS, options.connections);
  const drain = await waitForDrain(target);
  const cpuAfter = target.proc.cpuMs();
  const pgAfter = await backendCpuMs(target.databaseUrl);
  const ackedWithRow = await countRowsFor(target.databaseUrl, run.acked);
  return {
    round,
    target: target.name,
    durationS: run.durationS,
    requestsPerSec: run.ok / run.durationS,
    p50Ms: quantile(run.latencies, 0.5),
    p99Ms: quantile(run.latencies, 0.99),
    meanMs: run.latencies.reduce((a, b) => a + b, 0) / Math.max(1, run.latencies.length),
    ok: run.ok,
    non2xx: run.non2xx,
    errors: run.errors,
    timeouts: run.timeouts,
    duplicates: run.duplicates,
    ackedWithRow,
    ...drain,
    cpuMsPerRequest: cpuBefore !== null && cpuAfter !== null && run.ok > 0 ? (cpuAfter - cpuBefore) / run.ok : null,
    pgCpuMsPerRequest: backendCpuSpent(pgBefore, pgAfter) / Math.max(1, run.ok),
  };
}

function formatRun(r: IngestRun): string {
  return (
    `round ${r.round} ${r.target.padEnd(5)}  ${fmt.int(r.requestsPerSec).padStart(6)} req/s  p50 ${fmt.ms(r.p50Ms)} ms  p99 ${fmt.ms(r.p99Ms)} ms  ` +
    `2xx ${r.ok}  non-2xx ${r.non2xx}  errors ${r.errors}  rows for acked ${r.ackedWithRow}/${r.ok}  ` +
    `queue ${r.jobs}/${r.rows} rows (drained ${r.drainMs === null ? 'NOT within 30 s' : `${r.drainMs} ms`} after the load)  ` +
    `CPU ${r.cpuMsPerRequest === null ? '?' : r.cpuMsPerRequest.toFixed(3)} ms/request + Postgres ${r.pgCpuMsPerRequest.toFixed(3)} ms/request`
  );
}

export async function runIngestBench(
  options: IngestOptions,
  log: (line: string) => void = console.log,
  /** A snapshot of the build shared with other benchmarks of the same run; made (and removed) here when absent. */
  shared?: BuildSnapshot,
): Promise<IngestResult> {
  const runId = newRunId();
  const machine = machineInfo();
  const build = shared ?? snapshotBuild(runId);
  let dbs: BenchDatabases | undefined;
  const prefixes: string[] = [];
  const profileDir = join(RESULTS_DIR, `profile-${runId}`);
  const cleanup = async (): Promise<void> => {
    await stopAll();
    await Promise.allSettled([dbs?.drop(), ...prefixes.map((p) => deleteRedisPrefix(p))]);
    if (!shared) build.remove();
  };
  const unregister = onInterrupt(cleanup);
  try {
    log(`ingest bench ${runId}: ${describeMachine(machine)}`);
    log(`${options.connections} connections, ${options.warmupS} s warm-up + ${options.durationS} s measured, ${options.rounds} round(s), floor enqueue: ${options.floorEnqueue}`);
    dbs = await BenchDatabases.create(runId);
    const [appDb, floorDb] = await Promise.all([dbs.clone('app'), dbs.clone('floor')]);
    const appPrefix = newRedisPrefix(runId, 'app');
    const floorPrefix = newRedisPrefix(runId, 'floor');
    prefixes.push(appPrefix, floorPrefix);
    const [appPort, floorPort] = [await freePort(), await freePort()];

    const floorProc = startProcess('floor', process.execPath, [join(REPO_ROOT, 'bench', 'floor-receiver.mjs')], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(floorPort),
        DATABASE_URL: floorDb,
        REDIS_URL,
        REDIS_PREFIX: floorPrefix,
        WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
        FLOOR_ENQUEUE: options.floorEnqueue,
      },
    });
    if (options.profile) mkdirSync(profileDir, { recursive: true });
    const appProc = await startHttpApp({
      name: 'app',
      main: build.main,
      role: 'api',
      port: appPort,
      databaseUrl: appDb,
      redisPrefix: appPrefix,
      nodeFlags: options.profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
    });
    await waitForHealthy(floorProc, floorPort);

    const targets: Record<TargetName, Target> = {
      floor: {
        name: 'floor',
        port: floorPort,
        databaseUrl: floorDb,
        redisPrefix: floorPrefix,
        jobsKey: options.floorEnqueue === 'bullmq' ? `${floorPrefix}:plum-events:wait` : `${floorPrefix}:floor-events`,
        proc: floorProc,
      },
      app: { name: 'app', port: appPort, databaseUrl: appDb, redisPrefix: appPrefix, jobsKey: `${appPrefix}:plum-events:wait`, proc: appProc },
    };

    const transactionsAtStart = { floor: await appTransactions(floorDb), app: await appTransactions(appDb) };
    const runs: IngestRun[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // floor, app | app, floor | floor, app ...: a load from other work that rises or falls during the
      // benchmark then weighs on both alike, instead of always on the one measured second.
      const order = round % 2 === 1 ? (['floor', 'app'] as const) : (['app', 'floor'] as const);
      for (const name of order) {
        const run = await measure(targets[name], round, options);
        runs.push(run);
        log(formatRun(run));
      }
    }

    // Idle backends report their counts only after a while: wait for that once, at the end.
    log(`waiting ${(PG_STATS_IDLE_FLUSH_MS + 1000) / 1000} s for Postgres to report the transaction counts...`);
    await sleep(PG_STATS_IDLE_FLUSH_MS + 1000);
    const transactionsPerRow = async (name: TargetName): Promise<number> => {
      const rows = runs.filter((r) => r.target === name).at(-1)?.rows ?? 0;
      return ((await appTransactions(targets[name].databaseUrl)) - transactionsAtStart[name]) / Math.max(1, rows);
    };
    const perRow = { floor: await transactionsPerRow('floor'), app: await transactionsPerRow('app') };
    const summarize = (name: TargetName): TargetSummary => {
      const mine = runs.filter((r) => r.target === name);
      return {
        transactionsPerRow: perRow[name],
        requestsPerSec: median(mine.map((r) => r.requestsPerSec)),
        p50Ms: median(mine.map((r) => r.p50Ms)),
        p99Ms: median(mine.map((r) => r.p99Ms)),
        cpuMsPerRequest: median(mine.map((r) => r.cpuMsPerRequest ?? Number.NaN)),
        pgCpuMsPerRequest: median(mine.map((r) => r.pgCpuMsPerRequest)),
      };
    };
    const summary = { floor: summarize('floor'), app: summarize('app') };
    const ratios = {
      requestsPerSec: summary.app.requestsPerSec / summary.floor.requestsPerSec,
      p50: summary.app.p50Ms / summary.floor.p50Ms,
      p99: summary.app.p99Ms / summary.floor.p99Ms,
      cpuPerRequest: summary.app.cpuMsPerRequest / summary.floor.cpuMsPerRequest,
    };
    const peakRssKb = { app: appProc.peakRssKb(), floor: floorProc.peakRssKb(), runner: process.resourceUsage().maxRSS };
    const correct = runs.every((r) => r.ackedWithRow === r.ok && r.duplicates === 0 && r.drainMs !== null);

    let profile: IngestResult['profile'];
    if (options.profile) {
      await appProc.stop(); // the profile is written when the process exits
      const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) profile = { file: join(profileDir, file), summary: summarizeCpuProfile(join(profileDir, file), { activeFrame: APP_ACTIVE_FRAME }) };
    }
    const result: IngestResult = { options, machine, runs, summary, ratios, peakRssKb, correct, profile };
    log(formatIngestSummary(result));
    return result;
  } finally {
    unregister();
    await cleanup();
  }
}

/** "Matches the floor" allows 5%: closer than that, two runs of the same thing differ here anyway. */
export function verdict(ratios: IngestResult['ratios']): string {
  if (ratios.requestsPerSec >= 0.95 && ratios.p99 <= 1.5) return "meets the target (throughput within 5% of the floor's or above, p99 ≤ 1.5× the floor's)";
  if (ratios.requestsPerSec >= 0.5) return 'above the 50% minimum, short of the target (floor throughput with p99 ≤ 1.5×)';
  return 'BELOW the 50% minimum';
}

export function formatIngestSummary(r: IngestResult): string {
  const s = r.summary;
  const lines = [
    `median of ${r.options.rounds} round(s):`,
    ...(['floor', 'app'] as const).map(
      (name) =>
        `  ${name.padEnd(5)} ${fmt.int(s[name].requestsPerSec)} req/s, p50 ${fmt.ms(s[name].p50Ms)} ms, p99 ${fmt.ms(s[name].p99Ms)} ms, ` +
        `CPU ${s[name].cpuMsPerRequest.toFixed(3)} ms/request + Postgres ${s[name].pgCpuMsPerRequest.toFixed(3)}, ${s[name].transactionsPerRow.toFixed(3)} Postgres transactions per row`,
    ),
    `  app/floor: throughput ${fmt.ratio(r.ratios.requestsPerSec)}, p50 ${fmt.ratio(r.ratios.p50)}, p99 ${fmt.ratio(r.ratios.p99)}, CPU per request ${fmt.ratio(r.ratios.cpuPerRequest)} → ${verdict(r.ratios)}`,
    `  peak RSS: app ${fmt.mib(r.peakRssKb.app)}, floor ${fmt.mib(r.peakRssKb.floor)}, runner (autocannon) ${fmt.mib(r.peakRssKb.runner)}`,
    `  correctness: ${r.correct ? 'every acknowledged request has its row, no duplicates, every row enqueued' : 'FAILED (see the runs above)'}`,
  ];
  if (r.profile) lines.push('', `CPU profile of the app (${r.profile.file}):`, formatProfileSummary(r.profile.summary));
  return lines.join('\n');
}

/** app / floor within each round: the pairs measured closest in time. */
function roundRatios(runs: IngestRun[]): string {
  const rounds = [...new Set(runs.map((r) => r.round))];
  return rounds
    .map((round) => {
      const app = runs.find((r) => r.round === round && r.target === 'app');
      const floor = runs.find((r) => r.round === round && r.target === 'floor');
      return app && floor ? `${fmt.ratio(app.requestsPerSec / floor.requestsPerSec)}, ${fmt.ratio(app.p99Ms / floor.p99Ms)}` : '?';
    })
    .join(' | ');
}

export function ingestMarkdown(r: IngestResult): string {
  const o = r.options;
  const runRows = r.runs.map((run) => [
    String(run.round),
    run.target,
    fmt.int(run.requestsPerSec),
    fmt.ms(run.p50Ms),
    fmt.ms(run.p99Ms),
    String(run.non2xx),
    String(run.errors + run.timeouts),
    `${run.ackedWithRow} / ${run.ok}`,
    run.drainMs === null ? 'not drained' : `${run.drainMs} ms`,
    run.cpuMsPerRequest === null ? '?' : run.cpuMsPerRequest.toFixed(3),
    run.pgCpuMsPerRequest.toFixed(3),
  ]);
  const s = r.summary;
  return [
    `### Ingest: \`POST /webhooks/bookings\`, app vs floor`,
    '',
    `${o.connections} connections, ${o.warmupS} s warm-up then ${o.durationS} s measured per run, ${o.rounds} round(s) alternating floor, app | app, floor | ...; floor enqueue: ${o.floorEnqueue}.`,
    '',
    markdownTable(
      ['round', 'target', 'req/s (2xx)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'acked with a row', 'queue caught up', 'process CPU ms / request', 'Postgres CPU ms / request'],
      runRows,
    ),
    '',
    `Medians over the rounds:`,
    '',
    markdownTable(
      ['', 'req/s', 'p50 ms', 'p99 ms', 'process CPU ms / request', 'Postgres CPU ms / request', 'PG transactions / row (all runs)'],
      [
        ...(['floor', 'app'] as const).map((name) => [
          name,
          fmt.int(s[name].requestsPerSec),
          fmt.ms(s[name].p50Ms),
          fmt.ms(s[name].p99Ms),
          s[name].cpuMsPerRequest.toFixed(3),
          s[name].pgCpuMsPerRequest.toFixed(3),
          s[name].transactionsPerRow.toFixed(3),
        ]),
        [
          '**app / floor**',
          `**${fmt.ratio(r.ratios.requestsPerSec)}**`,
          fmt.ratio(r.ratios.p50),
          `**${fmt.ratio(r.ratios.p99)}**`,
          fmt.ratio(r.ratios.cpuPerRequest),
          fmt.ratio(s.app.pgCpuMsPerRequest / s.floor.pgCpuMsPerRequest),
          fmt.ratio(s.app.transactionsPerRow / s.floor.transactionsPerRow),
        ],
      ],
    ),
    '',
    `App / floor in each round (throughput, p99): ${roundRatios(r.runs)}.`,
    '',
    `Verdict: ${verdict(r.ratios)}.`,
    '',
    `Peak RSS: app ${fmt.mib(r.peakRssKb.app)}, floor ${fmt.mib(r.peakRssKb.floor)}, bench runner (autocannon) ${fmt.mib(r.peakRssKb.runner)}.`,
    `Correctness: ${r.correct ? 'every 2xx-acknowledged request had its row, none answered `duplicate`, and every row had its job in Redis after the run.' : '**FAILED**: see the table.'}`,
  ].join('\n');
}

export function ingestOptionsFromArgs(argv = process.argv.slice(2)): { options: IngestOptions; json?: string; help: boolean } {
  const o = readOptions(
    {
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'floor-enqueue': { type: 'string' },
      profile: { type: 'boolean' },
      json: { type: 'string' },
    },
    argv,
  );
  return {
    help: o.help,
    json: o.string('json', ''),
    options: {
      connections: o.number('connections', INGEST_DEFAULTS.connections, { min: 1 }),
      durationS: o.number('duration', INGEST_DEFAULTS.durationS, { min: 1 }),
      warmupS: o.number('warmup', INGEST_DEFAULTS.warmupS),
      rounds: o.number('rounds', INGEST_DEFAULTS.rounds, { min: 1 }),
      floorEnqueue: o.string<FloorEnqueue>('floor-enqueue', INGEST_DEFAULTS.floorEnqueue, ['bullmq', 'lpush']),
      profile: o.flag('profile'),
    },
  };
}

async function main(): Promise<void> {
  const { options, json, help } = ingestOptionsFromArgs();
  if (help) return console.log(USAGE);
  const result = await runIngestBench(options);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = json || join(RESULTS_DIR, `ingest-${result.machine.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nresult: ${path}`);
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
