import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError, Environment, loadEnvironment } from '../config/environment';
import { CheckResult, fail, formatResult, ok, skip } from './doctor-report';
import { DoctorModule } from './doctor.module';
import { DoctorService } from './doctor.service';

const USAGE = `npm run doctor [-- --stale-minutes=10 --timeout-seconds=5]

Checks the configuration (.env and the environment, validated exactly as the service does),
Postgres and its migrations, Redis and its settings, the queue, and Plum (credentials, webhook
configuration). Prints one line per check and exits 1 when any check fails.`;

function options(): { staleMinutes: number; timeoutMs: number } {
  const { values } = parseArgs({
    options: { 'stale-minutes': { type: 'string', default: '10' }, 'timeout-seconds': { type: 'string', default: '5' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const staleMinutes = Number(values['stale-minutes']);
  const timeoutSeconds = Number(values['timeout-seconds']);
  if (!(staleMinutes > 0) || !(timeoutSeconds > 0)) {
    process.stderr.write(`--stale-minutes and --timeout-seconds must be positive numbers\n\n${USAGE}\n`);
    process.exit(2);
  }
  return { staleMinutes, timeoutMs: timeoutSeconds * 1000 };
}

function print(result: CheckResult): CheckResult {
  process.stdout.write(`${formatResult(result)}\n`);
  return result;
}

async function main(): Promise<number> {
  const settings = options();
  let env: Environment;
  try {
    env = loadEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    for (const problem of error.problems) print(fail('Configuration', problem, 'fix it in .env or the environment (see .env.example)'));
    print(skip('Other checks', 'they need a valid configuration'));
    return 1;
  }
  print(ok('Configuration', `valid (role ${env.APP_ROLE}, ${env.NODE_ENV})`));
  const app = await NestFactory.createApplicationContext(DoctorModule.forRoot(env), { logger: false, abortOnError: false });
  let failed = false;
  try {
    for await (const result of app.get(DoctorService).run(settings)) failed = print(result).status === 'fail' || failed;
  } finally {
    await app.close();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
