import { cpus, loadavg, totalmem } from 'node:os';
import { execSync } from 'node:child_process';

/** The q-quantile (0..1) of unsorted samples, nearest-rank; NaN when empty. */
export function quantile(samples: ArrayLike<number>, q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** The middle value, or the mean of the two middle values; NaN when empty. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Collects float samples without boxing them; grows by doubling. */
export class SampleBuffer {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export const fmt = {
  int: (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a'),
  ms: (n: number): string => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a'),
  ratio: (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a'),
  mib: (kb: number | null): string => (kb === null ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`),
};

/** A markdown table; numbers should be formatted already. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  redis: string;
  date: string;
  /** 1-minute load average when the run started: the machines are shared, a high value means noisy figures. */
  loadAverage: number;
}

function tryExec(command: string): string {
  try {
    return execSync(command, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpus: Number(tryExec('nproc')) || cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: tryExec('psql -h 127.0.0.1 -U postgres -Atc "SHOW server_version" postgres'),
    redis: tryExec('redis-cli -h 127.0.0.1 INFO server').match(/redis_version:(\S+)/)?.[1] ?? 'unknown',
    date: new Date().toISOString(),
    loadAverage: loadavg()[0],
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}; load average ${m.loadAverage.toFixed(2)} at the start`;
}
