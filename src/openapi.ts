import { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { IS_PUBLIC } from './common/public.decorator';

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = '/docs-json';
const BEARER = 'bearer';

/**
 * Serves the OpenAPI description at /docs (Swagger UI) and /docs-json. Both are public: they describe
 * the API and hold no data, and the UI is where a caller enters the token in the first place. They are
 * plain Fastify routes, outside the Nest guard, so they stay reachable without the token.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('plumline')
    .setDescription(
      'Keeps Plum Guide reservations and blocked dates in step. Every endpoint needs `Authorization: Bearer <API_TOKEN>` ' +
        'unless it says otherwise; errors share one shape (`ErrorResponseDto`).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API_TOKEN' }, BEARER)
    .addSecurityRequirements(BEARER)
    .build();
  // Built on first request, after every module has registered its controllers.
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => markPublicOperations(SwaggerModule.createDocument(app, config), app), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}

/**
 * The bearer requirement is document-wide; routes marked @Public() (webhooks, health, iCal) get
 * `security: []` here, read from the same metadata the guard reads, so the document cannot drift
 * from what the guard enforces. A public route that declares its own scheme (/metrics checks its
 * tokens in its own guard) keeps it.
 */
function markPublicOperations(document: OpenAPIObject, app: INestApplication): OpenAPIObject {
  const publicOperationIds = publicHandlerIds(app);
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of [pathItem.get, pathItem.put, pathItem.post, pathItem.delete, pathItem.patch, pathItem.options, pathItem.head]) {
      if (operation?.operationId && publicOperationIds.has(operation.operationId) && !operation.security) operation.security = [];
    }
  }
  return document;
}

/** `Controller_method`, the operation ids @nestjs/swagger assigns by default, of every public handler. */
function publicHandlerIds(app: INestApplication): Set<string> {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const ids = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller])) ids.add(`${controller.name}_${name}`);
      }
    }
  }
  return ids;
}
