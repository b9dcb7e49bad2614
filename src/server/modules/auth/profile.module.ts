import { z } from 'zod';
import { agentSchema, plainText } from '../../../protocol/schemas';
import {
  agentLanguagesReply,
  changePasswordBody,
  disableTwoFactorBody,
  sessionSchema,
  twoFactorCodeBody,
  updateProfileBody,
} from '../../../protocol/settings-schemas';
import { parleyModule } from '../../http/module';
import { refusals } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { ProfileService } from './profile.service';

const tags = ['profile'];
const security = [{ session: [] }];
const recoveryCodesReply = z.object({ recoveryCodes: z.array(z.string()) });

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
          summary:
            'Change your display name, your email (with your current password), your console language or the languages you speak',
          body: updateProfileBody,
          response: { 200: agentLanguagesReply.extend({ agent: agentSchema }), ...refusals },
        },
        preHandler: guards.agentWrite,
      },
      async (request) => profile.update(agentOf(request), request.body),
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

    app.post(
      '/api/v1/me/two-factor/setup',
      {
        schema: {
          tags,
          security,
          summary:
            'Start two-factor sign-in: a new TOTP secret, its otpauth URI and a QR code (an SVG data URL). Sign-in is unchanged until enabled',
          response: {
            200: z.object({ secret: z.string(), uri: z.string(), qrCode: z.string() }),
            ...refusals,
          },
        },
        preHandler: guards.setupWrite,
      },
      async (request) => profile.setUpTwoFactor(agentOf(request)),
    );

    app.post(
      '/api/v1/me/two-factor/enable',
      {
        schema: {
          tags,
          security,
          summary:
            'Turn two-factor sign-in on with a first code from the app; returns ten single-use recovery codes, shown once',
          body: z.object({
            code: z
              .string()
              .trim()
              .regex(/^\d{6}$/, 'must be 6 digits'),
          }),
          response: { 200: recoveryCodesReply, ...refusals },
        },
        config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
        preHandler: guards.setupWrite,
      },
      async (request) => ({
        recoveryCodes: await profile.enableTwoFactor(agentOf(request), request.body.code),
      }),
    );

    app.post(
      '/api/v1/me/two-factor/recovery-codes',
      {
        schema: {
          tags,
          security,
          summary:
            'Ten new single-use recovery codes for a code from the app (or a recovery code); the old ones stop working',
          body: twoFactorCodeBody,
          response: { 200: recoveryCodesReply, ...refusals },
        },
        config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
        preHandler: guards.agentWrite,
      },
      async (request) => ({
        recoveryCodes: await profile.regenerateRecoveryCodes(agentOf(request), request.body.code),
      }),
    );

    app.post(
      '/api/v1/me/two-factor/disable',
      {
        schema: {
          tags,
          security,
          summary:
            'Turn two-factor sign-in off, with your current password and a code; refused while your organization requires it',
          body: disableTwoFactorBody,
          response: { 204: z.null(), ...refusals },
        },
        config: { rateLimit: { max: 10, timeWindow: '15 minutes' } },
        preHandler: guards.agentWrite,
      },
      async (request, reply) => {
        await profile.disableTwoFactor(agentOf(request), request.body);
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
