import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService, WebhookKind, WebhookRejection } from './metrics.service';

/** The webhook receiver's routes (src/webhooks/webhooks.controller.ts) and the kind of event each takes. */
const WEBHOOK_ROUTES: Record<string, WebhookKind> = {
  '/webhooks/bookings': 'booking',
  '/webhooks/listings': 'listing',
};

/**
 * Acknowledgement latency and rejections of the webhook routes, read from Fastify's onResponse hook.
 * A hook (rather than code in the controller) also sees what is refused before the controller runs:
 * Fastify's own 413, 415 and malformed-JSON answers, and the webhook guard's 401 and 415.
 */
@Injectable()
export class WebhookMetricsHooks implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Runs before Fastify is ready, so the hook applies to the routes Nest has just declared. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
      const route = request.routeOptions.url;
      const kind = route === undefined ? undefined : WEBHOOK_ROUTES[route];
      if (!kind) return;
      const status = reply.statusCode;
      const outcome = status < 400 ? 'ok' : status < 500 ? 'rejected' : 'error';
      this.metrics.webhookAckDuration.observe({ kind, outcome }, reply.elapsedTime / 1000);
      if (outcome === 'rejected') this.metrics.webhooksRejected.inc({ kind, reason: rejectionReason(status, request) });
    });
  }
}

export function rejectionReason(status: number, request: Pick<FastifyRequest, 'body'>): WebhookRejection {
  switch (status) {
    case 400:
      // Fastify leaves the body unset when it could not parse it; a parsed body failed validation.
      return request.body === undefined ? 'malformed_json' : 'validation';
    case 401:
    case 403:
      return 'auth';
    case 413:
      return 'size';
    case 415:
      return 'media_type';
    default:
      return 'other';
  }
}
