import { z } from 'zod';
import { agentSchema, plainText } from '../../../protocol/schemas';
import {
  changePasswordBody,
  sessionSchema,
  updateProfileBody,
} from '../../../protocol/settings-schemas';
import { parleyModule } from '../../http/module';
import { refusals } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { ProfileService } from './profile.service';

const tags = ['profile'];
const security = [{ session: [] }];

/** Settings → Profile: every agent, for their own account only. */
export const profileModule = parleyModule<{ profile: ProfileService; guards: AgentRouteGuards }>(
  'profile',
  (app, { profile, guards }) => {
    app.patch(
      '/api/v1/me',
      {
        schema: {
          tags,
          security,
          summary: 'Change your display name, or your email (with your current password)',
          body: updateProfileBody,
          response: { 200: z.object({ agent: agentSchema }), ...refusals },
        },
        preHandler: guards.agentWrite,
      },
      async (request) => ({ agent: await profile.update(agentOf(request), request.body) }),
    );

    app.post(
      '/api/v1/me/password',
      {
        schema: {
          tags,
          security,
          summary:
            'Change your password: every other session of yours ends, and its sockets close at once',
          body: changePasswordBody,
          response: { 204: z.null(), ...refusals },
        },
        // Each try checks a password: as slow for guessers as signing in.
        config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
        preHandler: guards.agentWrite,
      },
      async (request, reply) => {
        await profile.changePassword(agentOf(request), request.body);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/me/sessions',
      {
        schema: {
          tags,
          security,
          summary: 'Your active sessions (browsers and devices), newest first',
          response: { 200: z.object({ sessions: z.array(sessionSchema) }), ...refusals },
        },
        preHandler: guards.agent,
      },
      async (request) => ({ sessions: await profile.listSessions(agentOf(request)) }),
    );

    app.delete(
      '/api/v1/me/sessions/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Sign one of your sessions out; its sockets close at once',
          params: z.object({ id: plainText(64).min(1) }),
          response: { 204: z.null(), ...refusals },
        },
        preHandler: guards.agentWrite,
      },
      async (request, reply) => {
        await profile.endSession(agentOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    );
  },
);
