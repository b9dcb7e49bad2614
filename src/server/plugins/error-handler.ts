import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors';
import { HTTP_STATUS, type ErrorBody } from '../../protocol/errors';

/** The one place HTTP errors become `{ error: { code, message } }`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const body = toErrorBody(error);
    if (body.code === 'internal') request.log.error({ err: error }, 'request failed');
    // Fastify's own refusals keep their precise status (413 too large, 415 wrong type).
    const status = error instanceof AppError ? HTTP_STATUS[body.code] : (error.statusCode ?? 500);
    if (body.retryAfter !== undefined) reply.header('retry-after', String(body.retryAfter));
    return reply.status(status >= 400 ? status : 500).send({ error: body });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url}` },
    }),
  );
}

function toErrorBody(error: FastifyError): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  // Fastify's own refusals: unparsable JSON, wrong content type, a body over the limit.
  // (Rate limits arrive as AppError: app.ts gives @fastify/rate-limit an errorResponseBuilder.)
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return { code: 'invalid_payload', message: error.message };
  }
  return { code: 'internal', message: 'Something went wrong on our side' };
}
