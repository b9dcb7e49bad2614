import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../core/metrics';
import { AppError } from '../errors';

/**
 * `GET /metrics` for Prometheus, only with `Authorization: Bearer PARLEY_METRICS_TOKEN`: the
 * counts say how busy a shop is, which is nobody else's business. Without a token configured
 * the route does not exist.
 */
export function metricsRoute(
  app: FastifyInstance,
  metrics: Metrics,
  token: string | undefined,
): void {
  if (!token) return;
  const expected = Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (request, reply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new AppError('unauthorized', 'Send the metrics token as a bearer token');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
