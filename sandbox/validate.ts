import { badRequest } from './errors';

/**
 * The control API and the in-process helpers share one code path, so inputs are checked at run time
 * even when TypeScript already typed them: an HTTP body is only `unknown`.
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown, what: string): JsonObject {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw badRequest(`${what} must be a JSON object`);
  return value;
}

/** Refuses keys the caller did not mean (a typo in a knob name must not silently do nothing). */
export function onlyKeys(obj: JsonObject, allowed: readonly string[], what: string): void {
  const unknown = Object.keys(obj).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw badRequest(`${what}: unknown field(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
}

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function optNumber(obj: JsonObject, key: string, rule: NumberRule = {}): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`${key} must be a number`);
  if (rule.integer && !Number.isInteger(value)) throw badRequest(`${key} must be an integer`);
  if (rule.min !== undefined && value < rule.min) throw badRequest(`${key} must be >= ${rule.min}`);
  if (rule.max !== undefined && value > rule.max) throw badRequest(`${key} must be <= ${rule.max}`);
  return value;
}

export function optBoolean(obj: JsonObject, key: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${key} must be true or false`);
  return value;
}

export function optString(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${key} must be a string`);
  return value;
}

export function optEnum<T extends string>(obj: JsonObject, key: string, allowed: readonly T[]): T | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw badRequest(`${key} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Query strings carry text: "true"/"false", numbers as digits. */
export function queryBoolean(value: string | null, key: string): boolean | undefined {
  if (value === null) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw badRequest(`${key} must be true or false`);
}

export function queryInteger(value: string | null, key: string, min: number): number | undefined {
  if (value === null) return undefined;
  if (!/^-?\d+$/.test(value)) throw badRequest(`${key} must be an integer`);
  const n = Number(value);
  if (n < min) throw badRequest(`${key} must be >= ${min}`);
  return n;
}
