// npm run bench: builds, runs the ingest and end-to-end benchmarks, and rewrites the generated
// results section of docs/benchmarks.md (the hand-written method section around it is kept).
// Options come from BENCH_* variables (see `npm run bench:ingest -- --help`, `npm run bench:e2e -- --help`).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { E2eResult, e2eMarkdown, e2eOptionsFromArgs, runE2eBench } from './e2e';
import { newRunId, RESULTS_DIR, REPO_ROOT, snapshotBuild } from './lib/infra';
import { readOptions } from './lib/options';
import { onInterrupt } from './lib/processes';
import { describeMachine, MachineInfo, machineInfo } from './lib/stats';
import { IngestResult, ingestMarkdown, ingestOptionsFromArgs, runIngestBench } from './ingest';

export const BEGIN_MARKER = '<!-- BEGIN GENERATED RESULTS: written by `npm run bench`, edit the method section instead -->';
export const END_MARKER = '<!-- END GENERATED RESULTS -->';
const DOC = join(REPO_ROOT, 'docs', 'benchmarks.md');

const USAGE = `npm run bench -- [--skip-ingest] [--skip-e2e] [--no-write] [--render-only]

Builds, runs both benchmarks and rewrites the results section of docs/benchmarks.md.
--render-only rewrites it from the last run's results (bench/results/last-run.json) without measuring.
Tune them with BENCH_* variables, e.g. BENCH_DURATION=20 BENCH_BOOKINGS=1000 npm run bench.`;

function gitDescription(): string {
  try {
    const commit = execSync('git rev-parse --short HEAD', { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execSync('git status --porcelain -- src prisma', { cwd: REPO_ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit} plus uncommitted changes in src/ or prisma/` : commit;
  } catch {
    return 'unknown';
  }
}

/** Replaces what lies between the markers; a file without them gets the section appended. */
export function replaceGenerated(doc: string, generated: string): string {
  const block = `${BEGIN_MARKER}\n${generated.trim()}\n${END_MARKER}`;
  const begin = doc.indexOf(BEGIN_MARKER);
  const end = doc.indexOf(END_MARKER);
  if (begin >= 0 && end > begin) return `${doc.slice(0, begin)}${block}${doc.slice(end + END_MARKER.length)}`;
  return `${doc.trimEnd()}\n\n${block}\n`;
}

/** Everything the results section is rendered from; saved as bench/results/last-run.json. */
interface RunRecord {
  machine: MachineInfo;
  minutes: number;
  code: string;
  /** BENCH_* variables the run was given. */
  overrides: string[];
  loadAverageAtEnd: number;
  ingest: IngestResult | null;
  e2e: E2eResult | null;
}

const LAST_RUN = join(RESULTS_DIR, 'last-run.json');

/** Runs the selected benchmarks on one copy of the build, so both measure the same code even if dist/ is rebuilt meanwhile. */
async function runBenchmarks(skipIngest: boolean, skipE2e: boolean): Promise<RunRecord> {
  const started = Date.now();
  const machine = machineInfo();
  const code = gitDescription();
  const build = snapshotBuild(newRunId());
  const unregister = onInterrupt(async () => build.remove());
  try {
    const ingest = skipIngest ? null : await runIngestBench(ingestOptionsFromArgs([]).options, console.log, build);
    if (ingest) console.log('');
    const e2e = skipE2e ? null : await runE2eBench(e2eOptionsFromArgs([]).options, console.log, build);
    return {
      machine,
      minutes: (Date.now() - started) / 60_000,
      code,
      overrides: Object.keys(process.env)
        .filter((k) => k.startsWith('BENCH_'))
        .map((k) => `${k}=${process.env[k]}`),
      loadAverageAtEnd: loadavg()[0],
      ingest,
      e2e,
    };
  } finally {
    unregister();
    build.remove();
  }
}

export function renderResults(run: RunRecord): string {
  const command = `${run.overrides.length > 0 ? `${run.overrides.join(' ')} ` : ''}npm run bench`;
  return [
    `## Results`,
    '',
    `Measured by \`${command}\` on ${run.machine.date.slice(0, 16).replace('T', ' ')} UTC (${run.minutes.toFixed(1)} min), code at ${run.code}.`,
    '',
    `Machine: ${describeMachine(run.machine)}, ${run.loadAverageAtEnd.toFixed(2)} at the end.`,
    '',
    ...(run.ingest ? [ingestMarkdown(run.ingest), ''] : []),
    ...(run.e2e ? [e2eMarkdown(run.e2e), ''] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const o = readOptions({
    'skip-ingest': { type: 'boolean' },
    'skip-e2e': { type: 'boolean' },
    'no-write': { type: 'boolean' },
    'render-only': { type: 'boolean' },
  });
  if (o.help) return console.log(USAGE);
  let run: RunRecord;
  if (o.flag('render-only')) {
    if (!existsSync(LAST_RUN)) throw new Error(`${LAST_RUN} is missing: run npm run bench first`);
    run = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as RunRecord;
  } else {
    run = await runBenchmarks(o.flag('skip-ingest'), o.flag('skip-e2e'));
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(LAST_RUN, `${JSON.stringify(run, null, 2)}\n`);
  }
  const generated = renderResults(run);
  if (o.flag('no-write')) {
    console.log(`\n${generated}`);
  } else {
    const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    writeFileSync(DOC, replaceGenerated(doc, generated));
    console.log(`\nwrote the results section of ${DOC}`);
  }
  const correct = (run.ingest?.correct ?? true) && (run.e2e?.correct ?? true);
  if (!correct) {
    console.error('a correctness check failed: see above');
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // A wrong flag needs its message, not a stack.
    const usage = error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    console.error(error instanceof Error ? (usage ? error.message : error.stack ?? error.message) : String(error));
    process.exit(usage ? 2 : 1);
  });
}
