import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import {
  pendingTransfersSchema,
  transferAcceptedSchema,
  transferBody,
  transferReplySchema,
  transferTargetsSchema,
} from '../../../protocol/transfer-schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { TransfersService } from './transfers.service';

const tags = ['transfers'];
const security = [{ session: [] }];

/** The REST side of transfers; `transfer:request` and `transfer:accept` call the same methods. */
export function transferRoutes(
  app: TypedApp,
  transfers: TransfersService,
  guards: AgentRouteGuards,
): void {
  app.post(
    '/api/v1/conversations/:id/transfers',
    {
      schema: {
        tags,
        security,
        summary: 'Transfer a conversation to an agent or a department, with an internal note',
        params: z.object({ id: entityId }),
        body: transferBody,
        response: { 201: transferReplySchema, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      const transfer = await transfers.request(agentOf(request), request.params.id, request.body);
      return reply.status(201).send({ transfer });
    },
  );

  app.post(
    '/api/v1/transfers/:id/accept',
    {
      schema: {
        tags,
        security,
        summary: 'Accept a transfer addressed to you or to one of your departments',
        params: z.object({ id: entityId }),
        response: { 200: transferAcceptedSchema, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => transfers.accept(agentOf(request), request.params.id),
  );

  app.get(
    '/api/v1/transfers',
    {
      schema: {
        tags,
        security,
        summary: 'Transfers waiting for you: to you, or to one of your departments',
        response: { 200: pendingTransfersSchema, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ transfers: await transfers.pendingFor(agentOf(request)) }),
  );

  app.get(
    '/api/v1/transfers/targets',
    {
      schema: {
        tags,
        security,
        summary: 'Whom you may transfer to: active agents (with presence) and departments',
        response: { 200: transferTargetsSchema, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => transfers.targets(agentOf(request)),
  );
}
