import * as http from 'node:http';
import { SandboxCore, readDeliveryFilter } from './core';
import { badRequest, notFound, reasonPhrase, SandboxError } from './errors';
import { Move } from './store';
import { queryBoolean, queryInteger } from './validate';

interface Context {
  method: string;
  path: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /** The parsed JSON body; reading it throws 400 when the body is not JSON. */
  readonly body: unknown;
  headers: http.IncomingHttpHeaders;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: Context) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

const MAX_BODY_BYTES = 1_048_576;
const PAGE_SIZE_DEFAULT = 50;
const PAGE_SIZE_MAX = 100;
const CONTROL_PREFIX = '/_sandbox';

/** Just enough routing for two small route tables: `:name` segments, exact method match. */
class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  /** The handler, or the status to answer when the path is unknown (404) or the method is not (405). */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 404 | 405 {
    let pathKnown = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      pathKnown = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      try {
        route.keys.forEach((key, i) => (params[key] = decodeURIComponent(match[i + 1] as string)));
      } catch {
        return 404;
      }
      return { handler: route.handler, params };
    }
    return pathKnown ? 405 : 404;
  }
}

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const noContent: Reply = { status: 204 };

/** Plum's API as plum-api.md describes it. Every /v2 route is behind the bearer token. */
function upstreamRoutes(core: SandboxCore): Router {
  return new Router()
    .add('POST', '/authenticate', (ctx) => ok(core.authenticate(ctx.body)))
    .add('GET', '/v2/bookings', (ctx) => {
      const page = queryInteger(ctx.query.get('page'), 'page', 1) ?? 1;
      const pageSize = Math.min(queryInteger(ctx.query.get('pageSize'), 'pageSize', 1) ?? PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX);
      const totalCount = core.store.bookingCount();
      const start = (page - 1) * pageSize;
      const items = core.store.bookingSlice(start, start + pageSize).map((b) => core.shapeBooking(b));
      return ok({ items, page, pageSize, totalCount, hasMore: start + items.length < totalCount });
    })
    .add('GET', '/v2/bookings/:bookingCode', (ctx) => {
      const booking = core.store.booking(ctx.params.bookingCode as string);
      if (!booking) throw notFound(`booking ${ctx.params.bookingCode} not found`);
      return ok(core.shapeBooking(booking));
    })
    .add('GET', '/v2/listings/:listingId', (ctx) => {
      const id = ctx.params.listingId as string;
      const listing = /^\d+$/.test(id) ? core.store.listing(Number(id)) : undefined;
      if (!listing) throw notFound(`listing ${id} not found`);
      return ok(listing);
    })
    .add('POST', '/v2/webhooks/config', (ctx) => {
      const { config, created } = core.saveWebhookConfigFromApi(ctx.body);
      return ok(config, created ? 201 : 200);
    })
    .add('GET', '/v2/webhooks/config', () => {
      const config = core.webhookConfig();
      if (!config) throw notFound('no webhook configuration');
      return ok(config);
    })
    .add('PATCH', '/v2/webhooks/config/toggle', (ctx) => {
      const isActive = queryBoolean(ctx.query.get('isActive'), 'isActive');
      if (isActive === undefined) throw badRequest('isActive=true|false is required');
      return ok(core.toggleWebhookConfig(isActive));
    })
    .add('DELETE', '/v2/webhooks/config', () => {
      core.deleteWebhookConfig();
      return noContent;
    });
}

/** The control API: the same operations as the in-process helpers of RunningSandbox. */
function controlRoutes(core: SandboxCore): Router {
  const p = CONTROL_PREFIX;
  const moveRoute = (move: Move): Handler => (ctx) => ok(core.store.move(ctx.params.bookingCode as string, move));
  const router = new Router()
    .add('GET', p, () =>
      ok({
        listings: core.store.allListings().length,
        bookings: core.store.bookingCount(),
        events: core.events().length,
        webhookConfig: core.webhookConfig(),
        localMode: core.options.localMode,
        seed: core.options.seed,
        faults: core.faults.current(),
        delivery: core.deliverer.current(),
        stats: core.stats(),
      }),
    )
    .add('GET', `${p}/listings`, () => ok(core.store.allListings()))
    .add('POST', `${p}/listings`, (ctx) => ok(core.store.createListing(ctx.body), 201))
    .add('GET', `${p}/bookings`, () => ok(core.store.allBookings()))
    .add('POST', `${p}/bookings`, (ctx) => ok(core.store.createBooking(ctx.body), 201))
    .add('GET', `${p}/bookings/:bookingCode`, (ctx) => {
      const booking = core.store.booking(ctx.params.bookingCode as string);
      if (!booking) throw notFound(`booking ${ctx.params.bookingCode} not found`);
      return ok(booking);
    })
    .add('PUT', `${p}/bookings/:bookingCode`, (ctx) => {
      const replace = queryBoolean(ctx.query.get('replace'), 'replace') ?? false;
      const notify = queryBoolean(ctx.query.get('notify'), 'notify') ?? true;
      return ok(core.store.setBooking(ctx.params.bookingCode as string, ctx.body, replace, notify));
    })
    .add('DELETE', `${p}/bookings/:bookingCode`, (ctx) => {
      core.store.deleteBooking(ctx.params.bookingCode as string, queryBoolean(ctx.query.get('notify'), 'notify') ?? true);
      return noContent;
    })
    .add('POST', `${p}/bookings/:bookingCode/approve`, moveRoute('approve'))
    .add('POST', `${p}/bookings/:bookingCode/decline`, moveRoute('decline'))
    .add('POST', `${p}/bookings/:bookingCode/cancel`, moveRoute('cancel'))
    .add('POST', `${p}/bookings/:bookingCode/confirm`, moveRoute('confirm'))
    .add('POST', `${p}/bookings/:bookingCode/dates`, (ctx) => ok(core.store.changeDates(ctx.params.bookingCode as string, ctx.body)))
    .add('POST', `${p}/bookings/:bookingCode/notify`, (ctx) => ok(core.store.notify(ctx.params.bookingCode as string), 201))
    .add('GET', `${p}/events`, () => ok(core.events()))
    .add('POST', `${p}/events/:eventId/redeliver`, (ctx) => {
      core.redeliver(ctx.params.eventId as string);
      return noContent;
    })
    .add('GET', `${p}/requests`, (ctx) =>
      ok(core.requests({ method: ctx.query.get('method') ?? undefined, path: ctx.query.get('path') ?? undefined })),
    )
    .add('GET', `${p}/deliveries`, (ctx) => ok(core.deliveries(readDeliveryFilter(queryObject(ctx.query)))))
    .add('GET', `${p}/deliveries/wait`, async (ctx) => ok(await core.waitForDeliveries(queryObject(ctx.query))))
    .add('GET', `${p}/deliveries/idle`, async (ctx) => ok(await core.waitForIdle(queryInteger(ctx.query.get('timeoutMs'), 'timeoutMs', 0))))
    .add('DELETE', `${p}/logs`, () => {
      core.clearLogs();
      return noContent;
    })
    .add('GET', `${p}/stats`, () => ok(core.stats()))
    .add('GET', `${p}/webhooks/config`, () => ok(core.webhookConfig()))
    .add('PUT', `${p}/webhooks/config`, (ctx) => ok(core.setWebhookConfig(ctx.body)))
    .add('DELETE', `${p}/webhooks/config`, () => {
      core.setWebhookConfig(null);
      return noContent;
    })
    .add('GET', `${p}/faults`, () => ok(core.faults.current()))
    .add('PUT', `${p}/faults`, (ctx) => ok(core.faults.set(ctx.body)))
    .add('DELETE', `${p}/faults`, () => ok(core.faults.clear()))
    .add('POST', `${p}/faults/next`, (ctx) => {
      core.faults.script(ctx.body);
      return noContent;
    })
    .add('GET', `${p}/delivery`, () => ok(core.deliverer.current()))
    .add('PUT', `${p}/delivery`, (ctx) => ok(core.deliverer.set(ctx.body)))
    .add('POST', `${p}/delivery/pause`, () => ok(core.deliverer.set({ paused: true })))
    .add('POST', `${p}/delivery/resume`, () => ok(core.deliverer.set({ paused: false })))
    .add('POST', `${p}/tokens/expire`, () => ok({ expired: core.expireTokens() }))
    .add('POST', `${p}/reset`, (ctx) => {
      core.reset(ctx.body);
      return noContent;
    });
  return router;
}

/** Query parameters as the JSON the core validates: "true"/"false" and digits become booleans and numbers. */
function queryObject(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of query) {
    if (value === 'true' || value === 'false') out[key] = value === 'true';
    else if (/^\d+$/.test(value) && key !== 'eventId' && key !== 'bookingCode') out[key] = Number(value);
    else out[key] = value;
  }
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SandboxError(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

interface Incoming {
  req: http.IncomingMessage;
  url: URL;
  text: string;
}

function context({ req, url, text }: Incoming, params: Record<string, string>): Context {
  let parsed: { value: unknown } | null = null;
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    params,
    query: url.searchParams,
    headers: req.headers,
    get body(): unknown {
      if (parsed) return parsed.value;
      if (text.trim() === '') parsed = { value: undefined };
      else {
        try {
          parsed = { value: JSON.parse(text) as unknown };
        } catch {
          throw badRequest('the body is not valid JSON');
        }
      }
      return parsed.value;
    },
  };
}

function errorReply(error: unknown, log: (line: string) => void): Reply {
  if (error instanceof SandboxError) {
    return { status: error.status, body: { statusCode: error.status, error: reasonPhrase(error.status), message: error.detail } };
  }
  log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { status: 500, body: { statusCode: 500, error: reasonPhrase(500), message: 'sandbox internal error' } };
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.status === 204 || reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers).end(payload);
}

async function route(router: Router, incoming: Incoming): Promise<Reply> {
  const method = incoming.req.method ?? 'GET';
  const path = incoming.url.pathname;
  const match = router.match(method, path);
  if (match === 404) throw notFound(`no route ${method} ${path}`);
  if (match === 405) throw new SandboxError(405, `${method} is not allowed on ${path}`);
  return match.handler(context(incoming, match.params));
}

export function createServer(core: SandboxCore): http.Server {
  const upstream = upstreamRoutes(core);
  const control = controlRoutes(core);
  const log = core.options.log;

  const handleUpstream = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const entry = core.startRequest(method, url.pathname, url.search.replace(/^\?/, ''));
    const started = Date.now();
    let reply: Reply;
    try {
      const text = await readBody(req);
      const decision = core.faults.decide(method, url.pathname);
      entry.fault = decision.fault;
      if (decision.hang) {
        // Never answered: the client's own timeout has to fire. close() drops the socket.
        log(`${method} ${url.pathname} hung (fault)`);
        return;
      }
      if (decision.latencyMs > 0) await core.sleep(decision.latencyMs);
      if (core.isClosed) return;
      if (decision.status !== null) {
        const headers: Record<string, string> = {};
        if (decision.retryAfterSeconds !== null) headers['retry-after'] = String(decision.retryAfterSeconds);
        reply = {
          status: decision.status,
          headers,
          body: { statusCode: decision.status, error: reasonPhrase(decision.status), message: 'fault injected by the Plum sandbox' },
        };
      } else {
        if (url.pathname.startsWith('/v2/')) {
          const check = core.checkToken(req.headers.authorization);
          if (check === 'expired') throw new SandboxError(403, 'token expired');
          if (check !== 'ok') throw new SandboxError(401, check === 'missing' ? 'missing bearer token' : 'invalid bearer token');
        }
        reply = await route(upstream, { req, url, text });
      }
    } catch (error) {
      reply = errorReply(error, log);
    }
    send(res, reply);
    entry.status = reply.status;
    entry.durationMs = Date.now() - started;
    log(`${method} ${url.pathname} ${reply.status} ${entry.durationMs} ms${entry.fault ? ` [${entry.fault}]` : ''}`);
  };

  const handleControl = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> => {
    let reply: Reply;
    try {
      reply = await route(control, { req, url, text: await readBody(req) });
    } catch (error) {
      reply = errorReply(error, log);
    }
    send(res, reply);
  };

  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const isControl = url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`);
    void (isControl ? handleControl(req, res, url) : handleUpstream(req, res, url));
  });
}
