import { z } from 'zod';
import { entityId } from '../../../protocol/schemas';
import {
  glossaryTermBody,
  glossaryTermSchema,
  requestTranslationsBody,
  requestTranslationsReply,
  translatePreviewBody,
  translatePreviewReply,
  translationSettingsSchema,
  updateTranslationSettingsBody,
} from '../../../protocol/translation-schemas';
import { parleyModule } from '../../http/module';
import { refusals } from '../../http/typed-routes';
import { agentOf, type AgentRouteGuards } from '../../plugins/agent-auth';
import type { TranslationService } from './translation.service';

const tags = ['translation'];
const security = [{ session: [] }];
const params = z.object({ id: entityId });
const settingsReply = z.object({ translation: translationSettingsSchema });

/** Translation's REST surface: thin, every route through the service's policy checks. */
/**
 * Each preview may call the paid provider, each request for translations reads up to 200
 * messages: bound what one address can ask (a composer previews at most twice a second).
 */
export const TRANSLATION_REQUESTS_PER_ADDRESS_PER_MINUTE = 600;
const translationRateLimit = {
  rateLimit: { max: TRANSLATION_REQUESTS_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute' },
};

export const translationModule = parleyModule<{
  translation: TranslationService;
  guards: AgentRouteGuards;
}>('translation', (app, { translation, guards }) => {
  app.post(
    '/api/v1/conversations/:id/translate-preview',
    {
      schema: {
        tags,
        security,
        summary:
          "The agent's draft in the conversation's language, to check and edit before sending",
        params,
        body: translatePreviewBody,
        response: { 200: translatePreviewReply, ...refusals },
      },
      config: translationRateLimit,
      preHandler: guards.agentWrite,
    },
    async (request) => translation.preview(agentOf(request), request.params.id, request.body.text),
  );
  app.post(
    '/api/v1/conversations/:id/translations',
    {
      schema: {
        tags,
        security,
        summary:
          "Translate the conversation's latest messages into a language (the reader's); results arrive as message:translated",
        params,
        body: requestTranslationsBody,
        response: { 202: requestTranslationsReply, ...refusals },
      },
      config: translationRateLimit,
      preHandler: guards.agentWrite,
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await translation.request(agentOf(request), request.params.id, request.body.language),
        ),
  );
  app.get(
    '/api/v1/organization/translation',
    {
      schema: {
        tags,
        security,
        summary: 'The translation provider (owners and admins); the key is never shown',
        response: { 200: settingsReply, ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ translation: await translation.settings(agentOf(request)) }),
  );
  app.put(
    '/api/v1/organization/translation',
    {
      schema: {
        tags,
        security,
        summary: 'Choose the translation provider (owners and admins); a left-out key is kept',
        body: updateTranslationSettingsBody,
        response: { 200: settingsReply, ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request) => ({
      translation: await translation.updateSettings(agentOf(request), request.body),
    }),
  );
  app.get(
    '/api/v1/organization/glossary',
    {
      schema: {
        tags,
        security,
        summary: 'Glossary terms: never translated (translation null) or always translated one way',
        response: { 200: z.object({ terms: z.array(glossaryTermSchema) }), ...refusals },
      },
      preHandler: guards.agent,
    },
    async (request) => ({ terms: await translation.glossary(agentOf(request)) }),
  );
  app.post(
    '/api/v1/organization/glossary',
    {
      schema: {
        tags,
        security,
        summary: 'Add a glossary term (owners and admins; at most 500)',
        body: glossaryTermBody,
        response: { 201: z.object({ term: glossaryTermSchema }), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) =>
      reply.status(201).send({ term: await translation.addTerm(agentOf(request), request.body) }),
  );
  app.delete(
    '/api/v1/organization/glossary/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Remove a glossary term (owners and admins)',
        params,
        response: { 204: z.null(), ...refusals },
      },
      preHandler: guards.agentWrite,
    },
    async (request, reply) => {
      await translation.removeTerm(agentOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
});
