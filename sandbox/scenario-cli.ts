// npm run sandbox:scenario -- --bookings 200 --duplicates 0.2 --reorder [--sandbox-url URL] [--listings N] ...
import { parseArgs } from 'node:util';
import { SandboxClient } from './client';
import { formatReport, runScenario, ScenarioOptions } from './scenario';

const USAGE = `Drives a realistic mix of bookings through a running Plum sandbox's control API.

  --bookings N          bookings to make (default 50)
  --listings N          new listings to spread them over (default one per 25 bookings)
  --duplicates P        delivery knob: probability of a duplicate delivery (0..1)
  --reorder             delivery knob: send pending deliveries in random order
  --no-reorder          switch reordering off
  --delay MS            delivery knob: delay before each delivery
  --jitter MS           delivery knob: random extra delay 0..MS
  --date-changes P      share of bookings whose dates change (default 0.15)
  --seed N              seed of the scenario's random choices
  --wait                wait until every webhook delivery settled and print the delivery counters
  --wait-timeout MS     how long --wait may take (default 60000)
  --sandbox-url URL     default $SANDBOX_URL or http://localhost:$SANDBOX_PORT (4010)
  --verbose             one line per booking
  --json                print the whole report as JSON`;

function number(flag: string, value: string | undefined, { min = 0, max = Number.POSITIVE_INFINITY, integer = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`--${flag} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bookings: { type: 'string' },
      listings: { type: 'string' },
      duplicates: { type: 'string' },
      reorder: { type: 'boolean' },
      'no-reorder': { type: 'boolean' },
      delay: { type: 'string' },
      jitter: { type: 'string' },
      'date-changes': { type: 'string' },
      seed: { type: 'string' },
      wait: { type: 'boolean' },
      'wait-timeout': { type: 'string' },
      'sandbox-url': { type: 'string' },
      verbose: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const url = values['sandbox-url'] ?? process.env.SANDBOX_URL ?? `http://localhost:${process.env.SANDBOX_PORT || '4010'}`;
  const options: ScenarioOptions = {
    bookings: number('bookings', values.bookings, { integer: true }) ?? 50,
    listings: number('listings', values.listings, { integer: true, min: 1 }),
    duplicates: number('duplicates', values.duplicates, { max: 1 }),
    reorder: values.reorder ? true : values['no-reorder'] ? false : undefined,
    delayMs: number('delay', values.delay, { integer: true }),
    jitterMs: number('jitter', values.jitter, { integer: true }),
    dateChangeRate: number('date-changes', values['date-changes'], { max: 1 }),
    seed: number('seed', values.seed, { integer: true }),
    waitForDeliveries: values.wait ?? false,
    waitTimeoutMs: number('wait-timeout', values['wait-timeout'], { integer: true, min: 1 }),
  };
  const report = await runScenario(new SandboxClient(url), options);
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report, values.verbose ?? false));
}

main().catch((error: unknown) => {
  console.error(`sandbox:scenario: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
