import type { RouteOptions } from 'fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '../../src/app.factory';
import { QUEUE_DASHBOARD_PATH } from '../../src/queue-dashboard/queue-dashboard.constants';
import { createTestContext, testEnvironment, TestContext } from '../support/test-app';

interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: { type?: string; enum?: string[] } }>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  security?: Array<Record<string, string[]>>;
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }>; schemas: Record<string, unknown> };
}

const DOC_ROUTES = /^\/docs(\/|-json|-yaml|$)/;
/** Like the Swagger UI, Bull Board is a browser UI with its assets and its own JSON API, not part of the service's API. */
const isUiRoute = (url: string) => DOC_ROUTES.test(url) || url === QUEUE_DASHBOARD_PATH || url.startsWith(`${QUEUE_DASHBOARD_PATH}/`);

describe('OpenAPI description', () => {
  let ctx: TestContext;
  let app: NestFastifyApplication;
  /** Every route Fastify registered while the app started, as "get /path/{param}". */
  const routes = new Set<string>();
  let doc: OpenApiDocument;

  beforeAll(async () => {
    ctx = await createTestContext();
    app = await createHttpApp(testEnvironment({ DATABASE_URL: ctx.databaseUrl, REDIS_PREFIX: ctx.redisPrefix }));
    // Nest registers its routes in init(), so a hook added now sees every controller route.
    app.getHttpAdapter().getInstance().addHook('onRoute', (route: RouteOptions) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD' || method === 'OPTIONS' || isUiRoute(route.url)) continue;
        routes.add(`${method.toLowerCase()} ${route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
      }
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const res = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<OpenApiDocument>();
  });

  afterAll(async () => {
    await app?.close();
    await ctx?.cleanup();
  });

  const operation = (method: string, path: string): Operation => {
    const op = doc.paths[path]?.[method];
    if (!op) throw new Error(`${method} ${path} is not documented`);
    return op;
  };

  it('documents every route the application serves', () => {
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)));
    expect(routes.size).toBeGreaterThanOrEqual(9);
    expect([...routes].filter((route) => !documented.has(route))).toEqual([]);
  });

  it('is served without the API token, and so is the UI with its assets', async () => {
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    const bundle = await app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    const init = await app.inject({ method: 'GET', url: '/docs/swagger-ui-init.js' });
    expect(init.statusCode).toBe(200);
  });

  it('declares the bearer scheme for every route, and none for the public ones', () => {
    expect(doc.components.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(operation('get', '/reservations').security).toBeUndefined();
    expect(operation('get', '/listings/{listingId}/calendar-url').security).toBeUndefined();
    expect(operation('get', '/listings/{listingId}/calendar.ics').security).toEqual([]);
    expect(operation('get', '/health').security).toEqual([]);
    // Public to the API token guard, but checked by its own (API_TOKEN or METRICS_TOKEN): still a bearer route.
    expect(operation('get', '/metrics').security).toEqual([{ bearer: [] }]);
    expect(Object.keys(operation('get', '/metrics').responses['200'].content ?? {})).toEqual(['text/plain']);
  });

  it('describes the query parameters, responses and the one error shape', () => {
    const list = operation('get', '/reservations');
    expect(list.parameters?.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(
      ['checkInFrom', 'checkInTo', 'cursor', 'limit', 'listingId', 'status', 'updatedSince'].sort(),
    );
    expect(list.parameters?.every((p) => p.required === false)).toBe(true);
    expect(list.parameters?.find((p) => p.name === 'status')?.schema?.enum).toEqual(['Initiated', 'Request', 'Confirmed', 'Declined', 'Cancelled']);
    expect(list.parameters?.find((p) => p.name === 'limit')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 200, default: 50 });
    expect(list.responses['200'].content?.['application/json'].schema?.$ref).toBe('#/components/schemas/ReservationListResponseDto');
    for (const status of ['400', '401']) {
      expect(list.responses[status].content?.['application/json'].schema?.$ref).toBe('#/components/schemas/ErrorResponseDto');
    }
    expect(operation('get', '/reservations/{bookingCode}').responses['404'].content?.['application/json'].schema?.$ref).toBe(
      '#/components/schemas/ErrorResponseDto',
    );
    const blocked = operation('get', '/listings/{listingId}/blocked-dates');
    expect(blocked.parameters?.filter((p) => p.in === 'query' && p.required !== false).map((p) => p.name).sort()).toEqual(['from', 'to']);
    expect(Object.keys(operation('get', '/listings/{listingId}/calendar.ics').responses['200'].content ?? {})).toEqual(['text/calendar']);
    expect(doc.components.schemas).toHaveProperty('ReservationResponseDto');
    expect(doc.components.schemas).toHaveProperty('ErrorResponseDto');
  });
});
