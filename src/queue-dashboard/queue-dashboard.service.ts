import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { matchesAnySecret, presentedCredential } from '../common/authorization';
import { Environment } from '../config/environment';
import { QueueName } from '../queue/queue.constants';
import { QUEUE_DASHBOARD_PATH } from './queue-dashboard.constants';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Mounts Bull Board on the Fastify instance as an encapsulated plugin, behind its own check: the
 * board is a browser UI, and a browser cannot be told to send a bearer header, so HTTP Basic (any
 * user name, password API_TOKEN) is accepted besides the bearer token, and a 401 asks for it.
 */
@Injectable()
export class QueueDashboardService implements OnModuleInit {
  private readonly apiToken: string;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    config: ConfigService<Environment, true>,
  ) {
    this.apiToken = config.get('API_TOKEN', { infer: true });
  }

  /** Runs before Fastify is ready, so the plugin's routes are added with Nest's. */
  onModuleInit(): void {
    const board = new BullBoardFastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({
      queues: this.queues().map((queue) => new BullMQAdapter(queue)),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'plumline' } },
    });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.authorize(request, reply));
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }

  /** Every queue named in queue.constants that some module registered in this process. */
  private queues(): Queue[] {
    return Object.values(QueueName).flatMap((name) => {
      try {
        return [this.moduleRef.get<Queue>(getQueueToken(name), { strict: false })];
      } catch {
        return [];
      }
    });
  }

  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const credential = presentedCredential(request.headers.authorization);
    if (!credential || !matchesAnySecret(credential.secret, [this.apiToken])) {
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="plumline", charset="UTF-8"')
        .send({ statusCode: 401, error: 'Unauthorized', message: 'Sign in with any user name and the API token as password, or send Authorization: Bearer <API_TOKEN>' });
    }
    // A browser re-sends Basic credentials on requests other sites trigger: refuse cross-site writes (retry, clean, add).
    if (!SAFE_METHODS.has(request.method) && isCrossSite(request)) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'Cross-site requests cannot change the queues' });
    }
    return undefined;
  }
}

function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== request.host;
  } catch {
    return true;
  }
}
