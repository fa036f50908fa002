import { ChildProcess, execSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Keeps only the end of a process's output: enough to explain a failure, bounded under load. */
const OUTPUT_TAIL_CHARS = 64 * 1024;
const STOP_GRACE_MS = 10_000;
const RSS_SAMPLE_MS = 250;

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last OUTPUT_TAIL_CHARS of stdout and stderr. */
  output(): string;
  /** Peak resident set size in KiB: the kernel's high-water mark (VmHWM), sampled until the process ends. */
  peakRssKb(): number | null;
  /** CPU time (user + system) used so far in ms, or null once the process is gone. */
  cpuMs(): number | null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM to the whole process group, SIGKILL after a grace period; resolves once it is gone. */
  stop(): Promise<void>;
}

const running = new Set<ManagedProcess>();

/** Reads one `Vm*` field of /proc/PID/status in KiB, or null when the process is gone. */
function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of /proc/PID/stat in ms (the process itself, not its children). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: the fields of interest come after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Starts a command in its own process group (detached), so stopping it also stops anything it
 * spawned; every process started here is registered and stopped by stopAll(), even on failure.
 */
export function startProcess(name: string, command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): ManagedProcess {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 2 * OUTPUT_TAIL_CHARS) output = output.slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  // VmHWM already is the peak since exec; sampling keeps the last value seen before the process exits.
  let peak: number | null = null;
  const sample = (): void => {
    const hwm = procStatusKb(pid, 'VmHWM');
    if (hwm !== null) peak = Math.max(peak ?? 0, hwm);
  };
  const sampler = setInterval(sample, RSS_SAMPLE_MS);
  sampler.unref();

  const exited = once(child, 'exit').then(([code, signal]) => {
    clearInterval(sampler);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  let stopping: Promise<void> | undefined;
  const managed: ManagedProcess = {
    name,
    pid,
    child,
    output: () => output.slice(-OUTPUT_TAIL_CHARS),
    peakRssKb: () => {
      sample();
      return peak;
    },
    cpuMs: () => processCpuMs(pid),
    exited,
    stop: () => {
      stopping ??= (async () => {
        sample();
        if (child.exitCode === null && child.signalCode === null) {
          signalGroup(pid, 'SIGTERM');
          const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }
        // Whatever the leader left behind in its group goes too.
        signalGroup(pid, 'SIGKILL');
        running.delete(managed);
      })();
      return stopping;
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process this runner started and has not stopped yet. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

const interruptCleanups = new Set<() => Promise<void>>();
let hooksInstalled = false;

/**
 * On Ctrl-C or SIGTERM: stop every process, run the registered cleanups (drop databases, Redis
 * keys), then exit. Normal paths clean up in try/finally; this covers an interrupted run.
 * Returns the unregister function.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  interruptCleanups.add(cleanup);
  if (!hooksInstalled) {
    hooksInstalled = true;
    const onSignal = (signal: NodeJS.Signals): void => {
      process.stderr.write(`\n${signal}: stopping benchmark processes and cleaning up...\n`);
      const all = (async () => {
        await stopAll();
        await Promise.allSettled([...interruptCleanups].map((c) => c()));
      })();
      void Promise.race([all, new Promise((resolve) => setTimeout(resolve, 20_000))]).finally(() => process.exit(130));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return () => interruptCleanups.delete(cleanup);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until a process answers 200 on GET /health, or fails early with its output if it exits. */
export async function waitForHealthy(proc: ManagedProcess, port: number, timeoutMs = 60_000): Promise<void> {
  const died = proc.exited.then(({ code, signal }) => {
    throw new Error(`${proc.name} exited (code ${code}, signal ${signal}) before it was ready:\n${proc.output()}`);
  });
  const healthy = waitFor(
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      await response.arrayBuffer();
      return response.ok;
    },
    { timeoutMs, what: `${proc.name} on 127.0.0.1:${port}` },
  );
  try {
    await Promise.race([healthy, died]);
  } catch (error) {
    if (error instanceof Error && !error.message.includes('exited')) error.message += `\n${proc.name} output:\n${proc.output()}`;
    throw error;
  } finally {
    died.catch(() => undefined);
  }
}
