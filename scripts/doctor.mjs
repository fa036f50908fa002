// npm run doctor — checks configuration, Postgres, Redis, the queue and Plum; exits 1 if any check fails.
// In a checkout it runs the TypeScript source (always current, no build needed); in the Docker image,
// which ships dist/ and no dev dependencies, the compiled copy.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src/doctor/main.ts');
const compiled = join(root, 'dist/src/doctor/main.js');

function resolveSwc() {
  try {
    return createRequire(join(root, 'package.json')).resolve('@swc-node/register');
  } catch {
    return undefined;
  }
}

const swc = existsSync(source) ? resolveSwc() : undefined;
const args = swc ? ['-r', swc, source] : [compiled];
if (!existsSync(args[args.length - 1])) {
  console.error('doctor: neither the source with @swc-node/register nor dist/ is present; run npm run build');
  process.exit(1);
}
// The working directory stays the caller's: its .env is the one checked, as `npm start` would read it.
const env = swc ? { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') } : process.env;
const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
