import { parseArgs, ParseArgsConfig } from 'node:util';

type Flags = NonNullable<ParseArgsConfig['options']>;

/**
 * Flags first, then BENCH_* environment variables (e.g. --connections or BENCH_CONNECTIONS), then
 * the default. Unknown flags are an error, so a typo does not silently measure the default.
 */
export function readOptions(flags: Flags, argv = process.argv.slice(2)) {
  const { values } = parseArgs({ args: argv, options: { ...flags, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  const raw = (name: string): string | boolean | undefined => {
    const value = (values as Record<string, string | boolean | undefined>)[name];
    if (value !== undefined) return value;
    return process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  };
  return {
    help: values.help === true,
    number(name: string, fallback: number, { min = 0, integer = true } = {}): number {
      const value = raw(name);
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${String(value)}`);
      return n;
    },
    numbers(name: string, fallback: number[]): number[] {
      const value = raw(name);
      if (value === undefined || value === '' || typeof value === 'boolean') return fallback;
      const list = value.split(',').map((s) => Number(s.trim()));
      if (list.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--${name} must be a comma-separated list of integers, got ${value}`);
      return list;
    },
    string<T extends string>(name: string, fallback: T, allowed?: readonly T[]): T {
      const value = raw(name);
      if (value === undefined || value === '' || typeof value === 'boolean') return fallback;
      if (allowed && !allowed.includes(value as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got ${value}`);
      return value as T;
    },
    flag(name: string): boolean {
      const value = raw(name);
      return value === true || value === 'true' || value === '1';
    },
  };
}
