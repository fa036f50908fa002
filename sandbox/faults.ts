import { badRequest } from './errors';
import { Rng } from './random';
import type { ApiKnobs, FaultKind, ScriptedFault } from './types';
import { asObject, onlyKeys, optBoolean, optEnum, optNumber, optString } from './validate';

export const DEFAULT_TOKEN_TTL_MS = 3_600_000;

export function defaultApiKnobs(tokenTtlMs = DEFAULT_TOKEN_TTL_MS, tokenMaxUses: number | null = null): ApiKnobs {
  return {
    latencyMs: 0,
    latencyJitterMs: 0,
    errorRate: 0,
    errorStatus: 503,
    rateLimitRate: 0,
    retryAfterSeconds: 1,
    hangRate: 0,
    faultPathPrefix: '/',
    omitUpdatedAt: false,
    requestSpelling: 'Request',
    tokenTtlMs,
    tokenMaxUses,
  };
}

const KNOB_KEYS: readonly (keyof ApiKnobs)[] = Object.keys(defaultApiKnobs()) as (keyof ApiKnobs)[];
const SCRIPTED_KEYS: readonly (keyof ScriptedFault)[] = ['count', 'method', 'path', 'status', 'retryAfterSeconds', 'hang', 'latencyMs'];

/** What to do with one upstream request before (or instead of) answering it. */
export interface FaultDecision {
  hang: boolean;
  /** Answer this instead of the real response. */
  status: number | null;
  retryAfterSeconds: number | null;
  latencyMs: number;
  fault: FaultKind | null;
}

interface PendingScript {
  remaining: number;
  method: string | null;
  path: string | null;
  status: number | null;
  retryAfterSeconds: number | null;
  hang: boolean;
  latencyMs: number;
}

export class FaultInjector {
  private knobs: ApiKnobs;
  private scripts: PendingScript[] = [];

  constructor(
    private readonly defaults: ApiKnobs,
    private rng: Rng,
  ) {
    this.knobs = { ...defaults };
  }

  reseed(rng: Rng): void {
    this.rng = rng;
  }

  current(): ApiKnobs {
    return { ...this.knobs };
  }

  set(input: unknown): ApiKnobs {
    const body = asObject(input, 'faults');
    onlyKeys(body, KNOB_KEYS, 'faults');
    const rate = (key: keyof ApiKnobs) => optNumber(body, key, { min: 0, max: 1 });
    const ms = (key: keyof ApiKnobs) => optNumber(body, key, { min: 0, integer: true });
    const next: ApiKnobs = { ...this.knobs };
    next.latencyMs = ms('latencyMs') ?? next.latencyMs;
    next.latencyJitterMs = ms('latencyJitterMs') ?? next.latencyJitterMs;
    next.errorRate = rate('errorRate') ?? next.errorRate;
    next.errorStatus = optNumber(body, 'errorStatus', { integer: true, min: 500, max: 599 }) ?? next.errorStatus;
    next.rateLimitRate = rate('rateLimitRate') ?? next.rateLimitRate;
    next.retryAfterSeconds = optNumber(body, 'retryAfterSeconds', { integer: true, min: 0 }) ?? next.retryAfterSeconds;
    next.hangRate = rate('hangRate') ?? next.hangRate;
    const prefix = optString(body, 'faultPathPrefix');
    if (prefix !== undefined && !prefix.startsWith('/')) throw badRequest('faultPathPrefix must start with /');
    next.faultPathPrefix = prefix ?? next.faultPathPrefix;
    next.omitUpdatedAt = optBoolean(body, 'omitUpdatedAt') ?? next.omitUpdatedAt;
    next.requestSpelling = optEnum(body, 'requestSpelling', ['Request', 'Requested'] as const) ?? next.requestSpelling;
    next.tokenTtlMs = optNumber(body, 'tokenTtlMs', { integer: true, min: 1 }) ?? next.tokenTtlMs;
    if (body.tokenMaxUses !== undefined) {
      next.tokenMaxUses = body.tokenMaxUses === null ? null : (optNumber(body, 'tokenMaxUses', { integer: true, min: 1 }) ?? null);
    }
    this.knobs = next;
    return this.current();
  }

  script(input: unknown): void {
    const body = asObject(input, 'scripted fault');
    onlyKeys(body, SCRIPTED_KEYS, 'scripted fault');
    const hang = optBoolean(body, 'hang') ?? false;
    const latencyMs = optNumber(body, 'latencyMs', { integer: true, min: 0 }) ?? 0;
    const explicitStatus = optNumber(body, 'status', { integer: true, min: 100, max: 599 });
    const path = optString(body, 'path');
    if (path !== undefined && !path.startsWith('/')) throw badRequest('path must start with /');
    const retryAfterSeconds = optNumber(body, 'retryAfterSeconds', { integer: true, min: 0 });
    // Latency alone means "slow but correct"; anything else defaults to a 503.
    const status = hang ? null : (explicitStatus ?? (latencyMs > 0 ? null : 503));
    this.scripts.push({
      remaining: optNumber(body, 'count', { integer: true, min: 1 }) ?? 1,
      method: optString(body, 'method')?.toUpperCase() ?? null,
      path: path ?? null,
      status,
      retryAfterSeconds: retryAfterSeconds ?? (status === 429 ? this.knobs.retryAfterSeconds : null),
      hang,
      latencyMs,
    });
  }

  clear(): ApiKnobs {
    this.knobs = { ...this.defaults };
    this.scripts = [];
    return this.current();
  }

  /** Scripted faults first (deterministic), then the random rates, then added latency. */
  decide(method: string, path: string): FaultDecision {
    const inScope = path.startsWith(this.knobs.faultPathPrefix);
    const base = inScope ? this.knobs.latencyMs + (this.knobs.latencyJitterMs > 0 ? this.rng.int(0, this.knobs.latencyJitterMs) : 0) : 0;
    const script = this.scripts.find((s) => (s.method === null || s.method === method) && (s.path === null || path.startsWith(s.path)));
    if (script) {
      script.remaining--;
      if (script.remaining <= 0) this.scripts.splice(this.scripts.indexOf(script), 1);
      return {
        hang: script.hang,
        status: script.status,
        retryAfterSeconds: script.retryAfterSeconds,
        latencyMs: base + script.latencyMs,
        fault: script.hang ? 'hang' : 'scripted',
      };
    }
    const none: FaultDecision = { hang: false, status: null, retryAfterSeconds: null, latencyMs: base, fault: base > 0 ? 'latency' : null };
    if (!inScope) return none;
    if (this.rng.chance(this.knobs.hangRate)) return { ...none, hang: true, fault: 'hang' };
    if (this.rng.chance(this.knobs.rateLimitRate)) {
      return { ...none, status: 429, retryAfterSeconds: this.knobs.retryAfterSeconds, fault: 'rate-limit' };
    }
    if (this.rng.chance(this.knobs.errorRate)) return { ...none, status: this.knobs.errorStatus, fault: 'error' };
    return none;
  }
}
