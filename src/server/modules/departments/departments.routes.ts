import { z } from 'zod';
import {
  createDepartmentBody,
  departmentMemberParams,
  departmentSchema,
  routingSettingsBody,
  updateDepartmentBody,
} from '../../../protocol/department-schemas';
import { routingSettingsSchema } from '../../../protocol/routing-schemas';
import { entityId } from '../../../protocol/schemas';
import { refusals, type TypedApp } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { DepartmentsService } from './departments.service';
import type { RoutingSettingsService } from './routing-settings';

const tags = ['departments'];
const security = [{ session: [] }];
const departmentReply = z.object({ department: departmentSchema });
const routingReply = z.object({ routing: routingSettingsSchema });
const params = z.object({ id: entityId });

export function departmentRoutes(
  app: TypedApp,
  departments: DepartmentsService,
  routing: RoutingSettingsService,
  guards: AgentRouteGuards,
): void {
  app.get(
    '/api/v1/departments',
    {
      schema: {
        tags,
        security,
        summary:
          "The organization's departments by name; owners and admins also get each one's strategy and members",
        response: { 200: z.object({ departments: z.array(departmentSchema) }), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ departments: await departments.list(agentOf(request)) }),
  );

  app.post(
    '/api/v1/departments',
    {
      schema: {
        tags,
        security,
        summary: 'Add a department (owners and admins); its name is unique in the organization',
        body: createDepartmentBody,
        response: { 201: departmentReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) =>
      reply
        .status(201)
        .send({ department: await departments.create(agentOf(request), request.body) }),
  );

  app.patch(
    '/api/v1/departments/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Rename a department or change its routing strategy (owners and admins)',
        params,
        body: updateDepartmentBody,
        response: { 200: departmentReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      department: await departments.update(agentOf(request), request.params.id, request.body),
    }),
  );

  app.delete(
    '/api/v1/departments/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'Delete a department (owners and admins): it takes no new conversations; its conversations keep it in their history',
        params,
        response: { 204: z.null(), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      await departments.remove(agentOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/departments/:id/members/:agentId',
    {
      schema: {
        tags,
        security,
        summary:
          'Add an active agent to a department (owners and admins); adding a member again changes nothing',
        params: departmentMemberParams,
        response: { 200: departmentReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      department: await departments.addMember(
        agentOf(request),
        request.params.id,
        request.params.agentId,
      ),
    }),
  );

  app.delete(
    '/api/v1/departments/:id/members/:agentId',
    {
      schema: {
        tags,
        security,
        summary: 'Take an agent out of a department (owners and admins)',
        params: departmentMemberParams,
        response: { 200: departmentReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      department: await departments.removeMember(
        agentOf(request),
        request.params.id,
        request.params.agentId,
      ),
    }),
  );

  app.get(
    '/api/v1/organization/routing',
    {
      schema: {
        tags,
        security,
        summary: "The organization's routing settings, defaults filled in (every agent)",
        response: { 200: routingReply, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ routing: await routing.get(agentOf(request)) }),
  );

  app.put(
    '/api/v1/organization/routing',
    {
      schema: {
        tags,
        security,
        summary:
          'Replace the routing settings (owners and admins): transfers, away and auto-resolve times, who sees All',
        body: routingSettingsBody,
        response: { 200: routingReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({ routing: await routing.replace(agentOf(request), request.body) }),
  );
}
