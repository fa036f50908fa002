import { createParamDecorator, ExecutionContext, Type, ValidationPipe } from '@nestjs/common';
import { ApiQuery, ApiQueryOptions, DECORATORS } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

/**
 * The global ValidationPipe only strips unknown properties (webhook bodies may grow fields), and it
 * runs before any route pipe, so a route pipe would never see them. Query strings of the read API are
 * ours alone: a misspelt filter (`?listingid=5`) silently ignored would return every row, so it is a 400.
 * The global pipe skips custom parameter decorators, which leaves this one pipe to validate the query.
 */
const strictQueryPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  validateCustomDecorators: true,
});

const RawQuery = createParamDecorator((_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<FastifyRequest>().query);

/** `@Query()` that answers 400 for unknown parameters; also documents the DTO's fields as query parameters. */
export function StrictQuery(): ParameterDecorator {
  return (target, propertyKey, index) => {
    RawQuery(strictQueryPipe)(target, propertyKey, index);
    if (propertyKey === undefined) return;
    const types = Reflect.getMetadata('design:paramtypes', target, propertyKey) as Type<unknown>[] | undefined;
    const descriptor = Object.getOwnPropertyDescriptor(target, propertyKey);
    const dto = types?.[index];
    if (dto && descriptor) documentQuery(dto, target, propertyKey, descriptor);
  };
}

/**
 * Swagger does not read custom parameter decorators, so each @ApiProperty of the DTO becomes an
 * @ApiQuery, one by one (swagger's own flattening of a class drops enums).
 */
function documentQuery(dto: Type<unknown>, target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): void {
  const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) as string[] | undefined) ?? [];
  for (const key of keys) {
    const name = key.replace(/^:/, '');
    const options = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name) as ApiQueryOptions | undefined;
    ApiQuery({ ...options, name })(target, propertyKey, descriptor);
  }
}
