import type { FastifyInstance } from 'fastify';
import { createVisitorBody } from '../../../protocol/schemas';
import { parseInput } from '../../validation';
import type { VisitorsService } from './visitors.service';

export function visitorRoutes(app: FastifyInstance, visitors: VisitorsService): void {
  app.post(
    '/api/v1/widget/visitors',
    // New anonymous visitors are cheap to ask for; bound how many one address can make.
    { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = parseInput(createVisitorBody, request.body);
      const created = await visitors.create(body, {
        origin: request.headers.origin,
        host: request.headers.host,
      });
      return reply.status(201).send(created);
    },
  );
}
