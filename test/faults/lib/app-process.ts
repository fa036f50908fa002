import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';

const TAIL_LINES = 200;

export interface AppProcessOptions {
  /** A name for logs, e.g. `api` or `worker-2`. */
  name: string;
  /** The compiled app to run (a snapshot of dist/, see run.ts). */
  distDir: string;
  /** Working directory: a temp dir, so the repository's .env is not read. */
  cwd: string;
  /** Where its output goes. */
  logDir: string;
  env: Record<string, string>;
}

/**
 * One compiled plumline process (`node dist/src/main.js`) with exactly the given environment, its
 * output written to a log file and its last lines kept for a failure report.
 */
export class AppProcess {
  readonly child: ChildProcess;
  readonly logPath: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly log: WriteStream;
  private readonly tail: string[] = [];
  private partial = '';
  private expectExit = false;
  private seen = '';

  private constructor(readonly options: AppProcessOptions) {
    this.logPath = join(options.logDir, `${options.name}.log`);
    this.log = createWriteStream(this.logPath, { flags: 'a' });
    // NODE_PATH: the snapshot lives outside the repository, so its bare imports resolve from the repository's node_modules.
    this.child = spawn(process.execPath, [join(options.distDir, 'src', 'main.js')], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', NODE_PATH: resolve('node_modules'), ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.record(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.record(chunk));
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      this.log.end();
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
  }

  static start(options: AppProcessOptions): AppProcess {
    return new AppProcess(options);
  }

  get name(): string {
    return this.options.name;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** True when it died without being told to (a crash is a finding of the drill). */
  get crashed(): boolean {
    return !this.alive && !this.expectExit;
  }

  /** Output seen since start (bounded), for readiness checks. */
  contains(text: string): boolean {
    return this.seen.includes(text);
  }

  lastLines(count = 40): string {
    return [...this.tail, this.partial].filter(Boolean).slice(-count).join('\n');
  }

  /** kill -9: no shutdown hook runs. */
  async kill(): Promise<void> {
    this.expectExit = true;
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful stop (SIGTERM), then SIGKILL if it takes longer than `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.expectExit = true;
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.alive && this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private record(chunk: Buffer): void {
    const text = chunk.toString();
    this.log.write(text);
    if (this.seen.length < 200_000) this.seen += text;
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
    }
  }
}
