// npm run dev — the whole flow on a laptop: migrate the local database, start the Plum sandbox,
// and run the app in watch mode pointed at it. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';

if (!existsSync('.env')) {
  copyFileSync('.env.example', '.env');
  console.log('dev: created .env from .env.example');
}
const { databaseUrl } = await import('./lib/env.mjs');
const { ensureDatabase, prisma } = await import('./lib/database.mjs');

const url = databaseUrl();
try {
  await ensureDatabase(url);
  prisma(['migrate', 'deploy'], url);
} catch (error) {
  console.error(`dev: could not prepare the database (${error.message}). Is Postgres running? See README "Quick start".`);
  process.exit(1);
}

const sandboxPort = process.env.SANDBOX_PORT || '4010';
const children = [];
const run = (name, command, args, env) => {
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`dev: ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
};

let stopping = false;
const stop = (code = 0) => {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const sandboxUrl = `http://localhost:${sandboxPort}`;
if (existsSync('sandbox/main.ts')) {
  run('sandbox', 'npm', ['run', '--silent', 'sandbox'], {
    SANDBOX_PORT: sandboxPort,
    SANDBOX_LOCAL_MODE: 'true',
    SANDBOX_CLIENT_ID: process.env.PLUM_CLIENT_ID || 'sandbox-client',
    SANDBOX_CLIENT_SECRET: process.env.PLUM_CLIENT_SECRET || 'sandbox-secret',
  });
}
run('app', 'npx', ['--no-install', 'nest', 'start', '--watch', '--preserveWatchOutput'], {
  PLUM_API_URL: sandboxUrl,
  ALLOW_INSECURE_WEBHOOK_URL: 'true',
});
