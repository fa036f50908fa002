/**
 * npm run test:faults — fault drills against the compiled app running as separate processes (an
 * `api` and a `worker`), fed by the Plum sandbox's webhook sender (which retries any non-2xx answer,
 * as Plum does). Each drill ends with the number of events acknowledged (answered 2xx) and the number
 * processed (event row `processed` and the booking's reservation equal to the sandbox's), which must
 * be equal. Exits non-zero when any drill differs, fails a check, or breaks.
 *
 *   npm run test:faults                       all four drills, Plum outage 60 s
 *   npm run test:faults -- --quick            Plum outage 10 s (FAULTS_QUICK=1)
 *   npm run test:faults -- --only=redis-restart,plum-outage
 *
 * Options (flag or environment variable):
 *   --quick               FAULTS_QUICK=1           the short variant for CI (Plum outage 10 s)
 *   --plum-outage=SECONDS FAULTS_PLUM_OUTAGE_S     length of the Plum outage (default 60, quick 10)
 *   --kill-events=N       FAULTS_KILL_EVENTS       backlog of the worker-kill drill (default 300)
 *   --only=a,b            FAULTS_ONLY              drills to run: worker-kill, redis-restart, postgres-restart, plum-outage
 *   --seed=N              FAULTS_SEED              seed of the event mix and the sandbox (default: random, printed)
 *   --build=auto|always|never  FAULTS_BUILD        `npm run build` when dist/ is missing or older than src/ (auto)
 *   --dist=DIR            FAULTS_DIST              run this compiled app instead of dist/ (e.g. a candidate fix); no build
 *   --keep                FAULTS_KEEP=1            keep the temp dir (process logs) after the run
 *   --verbose             FAULTS_VERBOSE=1         progress every poll; app LOG_LEVEL from FAULTS_LOG_LEVEL (info)
 *
 * Uses the shared Postgres and Redis (TEST_DATABASE_SERVER_URL, TEST_REDIS_URL; default the local
 * ones) only through a database and a key prefix of its own, and runs its own redis-server and
 * Postgres cluster for the drills that stop them. Everything it starts is stopped, and everything it
 * creates removed, however it ends.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, migrate, newRunId, TEST_SERVER_URL, withAdmin } from '../support/databases';
import { TEST_REDIS_URL } from '../support/redis';
import { DRILLS } from './drills';
import { Drill, DrillResult, Settings } from './lib/drill';
import { describePending } from './lib/tally';

process.chdir(join(__dirname, '..', '..'));

function option(flag: string, variable: string): string | undefined {
  const prefix = `--${flag}=`;
  const arg = process.argv.slice(2).find((a) => a === `--${flag}` || a.startsWith(prefix));
  if (arg !== undefined) return arg === `--${flag}` ? '1' : arg.slice(prefix.length);
  const value = process.env[variable];
  return value === undefined || value === '' ? undefined : value;
}

const truthy = (value: string | undefined) => value !== undefined && !['0', 'false', 'no', 'off'].includes(value.toLowerCase());

function positiveNumber(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(value)}`);
  return n;
}

/** Newest modification time of the files under `dir` whose names pass `keep`. */
function newest(dir: string, keep: (name: string) => boolean): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

function ensureBuilt(mode: string): void {
  const main = join('dist', 'src', 'main.js');
  const sources = Math.max(
    newest('src', (n) => n.endsWith('.ts') && !n.endsWith('.spec.ts')),
    existsSync('prisma/schema.prisma') ? statSync('prisma/schema.prisma').mtimeMs : 0,
  );
  const stale = !existsSync(main) || statSync(main).mtimeMs < sources;
  if (mode === 'never' || (mode === 'auto' && !stale)) return;
  process.stdout.write(`building (${existsSync(main) ? (stale ? 'dist/ is older than src/' : 'asked to') : 'no dist/'}): npm run build\n`);
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

function formatLine(result: DrillResult): string {
  const seconds = `${(result.durationMs / 1000).toFixed(1)}s`;
  if (!result.tally) return `drill ${result.name}: ERROR ${result.error ?? 'no result'} duration=${seconds}`;
  const t = result.tally;
  return `drill ${result.name}: acknowledged=${t.acknowledged} processed=${t.processed} lost=${t.lost} duration=${seconds}`;
}

function passed(result: DrillResult): boolean {
  return !!result.tally && result.tally.lost === 0 && result.tally.acknowledged === result.tally.processed && !result.error && result.checks.every((c) => c.ok);
}

let active: Drill | undefined;
let tmpDir: string | undefined;
let keep = false;
let templateDatabase: string | undefined;

async function removeRunResources(): Promise<void> {
  if (active) await active.cleanup();
  if (templateDatabase) {
    const name = templateDatabase;
    templateDatabase = undefined;
    await withAdmin(async (c) => {
      const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${name}%`]);
      for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }).catch((error: Error) => process.stdout.write(`could not drop the run's databases (${name}*): ${error.message}\n`));
  }
  if (tmpDir && !keep) rmSync(tmpDir, { recursive: true, force: true });
  else if (tmpDir) process.stdout.write(`kept ${tmpDir} (process logs per drill)\n`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`\n${signal}: cleaning up\n`);
    void removeRunResources().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const quick = truthy(option('quick', 'FAULTS_QUICK'));
  keep = truthy(option('keep', 'FAULTS_KEEP'));
  const verbose = truthy(option('verbose', 'FAULTS_VERBOSE'));
  const only = option('only', 'FAULTS_ONLY')?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((n) => !DRILLS.some((d) => d.name === n)) ?? [];
  if (unknown.length) throw new Error(`unknown drill(s): ${unknown.join(', ')} (known: ${DRILLS.map((d) => d.name).join(', ')})`);
  const drills = only ? DRILLS.filter((d) => only.includes(d.name)) : DRILLS;
  const seed = Math.floor(positiveNumber(option('seed', 'FAULTS_SEED'), 1 + Math.floor(Math.random() * 1_000_000), 'seed'));
  const plumOutageMs = 1000 * positiveNumber(option('plum-outage', 'FAULTS_PLUM_OUTAGE_S'), quick ? 10 : 60, 'plum-outage');
  const killEvents = Math.floor(positiveNumber(option('kill-events', 'FAULTS_KILL_EVENTS'), 300, 'kill-events'));
  const build = option('build', 'FAULTS_BUILD') ?? 'auto';
  if (!['auto', 'always', 'never'].includes(build)) throw new Error(`--build must be auto, always or never`);

  const started = Date.now();
  const dist = option('dist', 'FAULTS_DIST');
  if (dist === undefined) ensureBuilt(build);
  else if (!existsSync(join(dist, 'src', 'main.js'))) throw new Error(`--dist: no ${join(dist, 'src', 'main.js')}`);
  const runId = `${newRunId()}`;
  tmpDir = mkdtempSync(join(tmpdir(), 'plumline-faults-'));
  // A copy of the compiled app: another build in this tree during the drills cannot pull it away.
  const distDir = join(tmpDir, 'dist');
  cpSync(dist ?? 'dist', distDir, { recursive: true });
  templateDatabase = `plumline_faults_${runId}`;
  migrate(databaseUrl(templateDatabase));

  const settings: Settings = {
    runId,
    tmpDir,
    distDir,
    sharedPostgresUrl: TEST_SERVER_URL,
    sharedRedisUrl: TEST_REDIS_URL,
    templateDatabase,
    quick,
    killEvents,
    plumOutageMs,
    seed,
    logLevel: option('log-level', 'FAULTS_LOG_LEVEL') ?? 'info',
    verbose,
  };
  process.stdout.write(
    `fault drills: ${drills.map((d) => d.name).join(', ')} (seed ${seed}, Plum outage ${plumOutageMs / 1000} s, backlog ${killEvents}${quick ? ', quick' : ''})\n`,
  );

  const results: DrillResult[] = [];
  for (const definition of drills) {
    process.stdout.write(`\n${definition.name}: ${definition.summary}\n`);
    const drill = new Drill(definition.name, settings);
    active = drill;
    const result: DrillResult = { name: definition.name, checks: drill.checks, notes: drill.notes, durationMs: 0 };
    try {
      result.tally = await definition.run(drill);
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
      drill.log(`broke: ${result.error}`);
    }
    drill.reportCrashes();
    result.durationMs = Date.now() - drill.started;
    if (!passed(result)) {
      const t = result.tally;
      if (t) {
        drill.log(`not processed: ${describePending(t)}; event rows: ${JSON.stringify(t.rowsByStatus)}; unacknowledged by the app: ${t.unacknowledged}`);
        for (const example of t.examples) drill.log(`  e.g. ${example}`);
      }
      for (const app of drill.apps) drill.log(`last lines of ${app.name} (${app.logPath}):\n${app.lastLines(15)}`);
    }
    await drill.cleanup();
    active = undefined;
    results.push(result);
    process.stdout.write(`${formatLine(result)}\n`);
  }

  const total = (Date.now() - started) / 1000;
  const failed = results.filter((r) => !passed(r));
  process.stdout.write(`\nsummary (seed ${seed}):\n`);
  for (const r of results) {
    process.stdout.write(`  ${passed(r) ? 'PASS' : 'FAIL'} ${formatLine(r)}\n`);
    for (const c of r.checks.filter((c) => !c.ok)) process.stdout.write(`       failed check: ${c.what.split('\n')[0]}\n`);
  }
  process.stdout.write(`total: ${total.toFixed(1)}s, ${results.length - failed.length}/${results.length} drills passed\n`);
  return failed.length === 0 ? 0 : 1;
}

main()
  .catch((error: unknown) => {
    process.stdout.write(`fault drills could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  })
  .then(async (code) => {
    await removeRunResources();
    process.exit(code);
  });
