import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { Environment } from '../config/environment';
import { metricsAuthorized } from './metrics-auth';

/** /metrics is @Public() for the global API token guard, and takes API_TOKEN or METRICS_TOKEN here. */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly tokens: Pick<Environment, 'API_TOKEN' | 'METRICS_TOKEN'>;

  constructor(config: ConfigService<Environment, true>) {
    this.tokens = { API_TOKEN: config.get('API_TOKEN', { infer: true }), METRICS_TOKEN: config.get('METRICS_TOKEN', { infer: true }) };
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!metricsAuthorized(request.headers.authorization, this.tokens)) {
      throw new UnauthorizedException('Send Authorization: Bearer <METRICS_TOKEN or API_TOKEN>');
    }
    return true;
  }
}
