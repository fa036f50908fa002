import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes';

const run = promisify(execFile);

/** The newest installed server's bin directory, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, versions[0] as string, 'bin');
}

export type StopMode = 'smart' | 'fast' | 'immediate';

/**
 * A Postgres cluster of the test's own (initdb into a temp dir, a free port, trust auth), so a test
 * can stop and start it without disturbing the shared server other tests use. Postgres refuses to
 * run as root: as root, every server command runs as the `postgres` OS user.
 */
export class PrivatePostgres {
  readonly dir: string;
  private running = false;

  private constructor(
    readonly port: number,
    private readonly bin: string,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'plumline-pg-'));
  }

  /** initdb and start; `destroy()` stops it and removes the directory. */
  static async start(): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(await freePort(), postgresBinDir());
    try {
      if (process.getuid?.() === 0) {
        const [uid, gid] = await Promise.all([idOf('-u'), idOf('-g')]);
        chownSync(pg.dir, uid, gid);
      }
      await pg.asServerUser(join(pg.bin, 'initdb'), ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
      await pg.start();
      return pg;
    } catch (error) {
      await pg.destroy();
      throw error;
    }
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get logFile(): string {
    return join(this.dir, 'server.log');
  }

  /** A URL for one database on this server. */
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts the server (again) and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`;
    await this.asServerUser(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-o', options, '-l', this.logFile, '-w', '-t', '60', 'start']);
    this.running = true;
  }

  /** `fast` rolls back open transactions and disconnects; `immediate` is a crash (recovery on the next start). */
  async stop(mode: StopMode = 'fast'): Promise<void> {
    await this.asServerUser(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    this.running = false;
  }

  /** Stops the server if it runs and removes its directory; safe to call twice. */
  async destroy(): Promise<void> {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      await this.stop('immediate').catch(() => undefined);
    }
    this.running = false;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async asServerUser(command: string, args: string[]): Promise<void> {
    const [file, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    try {
      await run(file, argv, { cwd: this.dir, timeout: 90_000 });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${command.split('/').pop()} ${args.at(-1)} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await run('id', [flag, 'postgres']);
  return Number(stdout.trim());
}
