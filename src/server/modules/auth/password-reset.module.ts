import { z } from 'zod';
import { parleyModule } from '../../http/module';
import type { OriginPolicy } from '../../http/origin-policy';
import { refusals } from '../../http/typed-routes';
import { requireOwnOrigin } from '../../plugins/agent-auth';
import type { PasswordReset } from './password-reset';

const tags = ['auth'];

/** Sign-in recovery: "Forgot password?" by email when SMTP is set up. */
export const passwordResetModule = parleyModule<{ reset: PasswordReset; origins: OriginPolicy }>(
  'password-reset',
  (app, { reset, origins }) => {
    const ownOrigin = requireOwnOrigin(origins);
    app.get(
      '/api/v1/auth/recovery',
      {
        schema: {
          tags,
          summary:
            'How a lost password is recovered here: by email (SMTP is set up), or by the operator running parley reset-password',
          response: { 200: z.object({ byEmail: z.boolean() }), ...refusals },
        },
      },
      async () => ({ byEmail: reset.byEmail }),
    );

    app.post(
      '/api/v1/auth/forgot',
      {
        schema: {
          tags,
          summary:
            'Email a single-use reset link, valid an hour. The answer is the same whether or not the email has an account; 404 when SMTP is not set up',
          body: z.object({ email: z.string().trim().toLowerCase().email().max(254) }),
          response: { 202: z.object({ accepted: z.literal(true) }), ...refusals },
        },
        config: { rateLimit: { max: 5, timeWindow: '15 minutes' } },
        preHandler: ownOrigin,
      },
      async (request, reply) => {
        await reset.request(request.body.email);
        return reply.status(202).send({ accepted: true });
      },
    );

    app.post(
      '/api/v1/auth/reset',
      {
        schema: {
          tags,
          summary:
            "Set a new password with a reset link's token: every session of the account ends. The link works once",
          body: z.object({
            token: z
              .string()
              .min(20)
              .max(100)
              .regex(/^[\w-]+$/, 'not a reset token'),
            password: z.string().min(10, 'must be at least 10 characters').max(1024),
          }),
          response: { 204: z.null(), ...refusals },
        },
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
        preHandler: ownOrigin,
      },
      async (request, reply) => {
        await reset.reset(request.body.token, request.body.password);
        return reply.status(204).send(null);
      },
    );
  },
);
