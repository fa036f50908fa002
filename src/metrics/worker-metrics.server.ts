import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../config/environment';
import { metricsAuthorized } from './metrics-auth';
import { MetricsService } from './metrics.service';

/**
 * A worker-role process serves no HTTP, yet its job durations, retries and upstream calls exist only
 * in its memory. With METRICS_PORT set it answers `GET /metrics` (same tokens as the API's route)
 * and `GET /health` (liveness, for the container's health check) on a bare node:http listener:
 * nothing else, so no framework and no routes to protect beyond these two.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private readonly port?: number;
  private readonly tokens: Pick<Environment, 'API_TOKEN' | 'METRICS_TOKEN'>;
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    config: ConfigService<Environment, true>,
  ) {
    this.port = config.get('METRICS_PORT', { infer: true });
    this.tokens = { API_TOKEN: config.get('API_TOKEN', { infer: true }), METRICS_TOKEN: config.get('METRICS_TOKEN', { infer: true }) };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.port === undefined) return;
    const server = createServer((request, response) => void this.handle(request, response));
    server.listen(this.port, '0.0.0.0');
    await once(server, 'listening');
    this.server = server;
    this.logger.log(`Worker metrics on port ${(server.address() as AddressInfo).port} (GET /metrics, GET /health)`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** The bound port (METRICS_PORT, or the one the system chose), once listening. */
  get boundPort(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, 405, 'Method Not Allowed', 'Only GET is served here');
    if (path === '/health') return send(response, 200, 'application/json; charset=utf-8', JSON.stringify({ status: 'ok' }));
    if (path !== '/metrics') return sendError(response, 404, 'Not Found', `Route GET ${path} not found`);
    if (!metricsAuthorized(request.headers.authorization, this.tokens)) {
      return sendError(response, 401, 'Unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN or API_TOKEN>');
    }
    try {
      send(response, 200, this.metrics.contentType, await this.metrics.render());
    } catch (error) {
      this.logger.error({ err: error }, 'Rendering metrics failed');
      sendError(response, 500, 'Internal Server Error', 'Rendering metrics failed');
    }
  }
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** The service's one error shape, as the HTTP API answers it. */
function sendError(response: ServerResponse, status: number, error: string, message: string): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify({ statusCode: status, error, message }));
}
