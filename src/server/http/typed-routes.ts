import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { errorResponseSchema } from '../../protocol/schemas';
import { SESSION_COOKIE } from '../../protocol/events';
import { parseInput } from '../validation';

/** The app as routes see it: params, query, body and replies typed from their zod schemas. */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every `/api/` route (method and URL), as registered: what the API document must list. */
    apiRoutes: { method: string; url: string }[];
  }
}

/** The refusals a route may answer with, for its `response` schema and the OpenAPI document. */
export const refusals = { '4xx': errorResponseSchema, '5xx': errorResponseSchema } as const;

/**
 * Every route validates its input with its schemas from `src/protocol`, refusing with the same
 * stable codes as the socket events (`message_too_long`, `invalid_payload`…), and every reply is
 * checked against its response schema, so the OpenAPI document made from them cannot drift.
 */
export async function useTypedRoutes(app: FastifyInstance, version: string): Promise<TypedApp> {
  app.setValidatorCompiler<z.ZodType>(({ schema }) => (data) => {
    try {
      return { value: parseInput(schema, data) };
    } catch (error) {
      return { error: error as Error };
    }
  });
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('apiRoutes', []);
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    if (!route.url.startsWith('/api/v1/')) return;
    for (const method of methods) app.apiRoutes.push({ method, url: route.url });
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version,
        description:
          'The REST half of the Parley protocol; the realtime half is in docs/protocol.md.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
    // Only API routes carry tags; the web assets and health checks stay out of the document.
    hideUntagged: true,
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  // Swagger UI sets inline styles; its page (our own API document, nothing users wrote) is the
  // one place they are allowed.
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/api/docs')) return;
    const csp = reply.getHeader('content-security-policy');
    if (typeof csp === 'string') {
      reply.header(
        'content-security-policy',
        csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
      );
    }
  });
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return typed;
}
