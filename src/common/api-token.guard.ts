import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Environment } from '../config/environment';
import { SecretMatcher } from './constant-time';
import { IS_PUBLIC } from './public.decorator';

/** Every route needs `Authorization: Bearer <API_TOKEN>` unless it is marked @Public(). */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly token: SecretMatcher;

  constructor(
    private readonly reflector: Reflector,
    config: ConfigService<Environment, true>,
  ) {
    this.token = new SecretMatcher(config.get('API_TOKEN', { infer: true }));
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('Missing bearer token: send Authorization: Bearer <API_TOKEN>');
    if (!this.token.matches(match[1])) throw new UnauthorizedException('Invalid API token');
    return true;
  }
}
