/**
 * Translation's routes across the lines: another organization's conversations and glossary terms
 * do not exist for it, agents may not touch the provider or the glossary, a visitor may call
 * none of it, the provider's key never leaves the server, and the glossary is bounded.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/protocol/schemas';
import { MAX_GLOSSARY_TERMS } from '../../src/protocol/translation-schemas';
import { TRANSLATION_REQUESTS_PER_ADDRESS_PER_MINUTE } from '../../src/server/modules/translation/translation.module';
import { api, codeOf } from '../helpers/api';
import { connectVisitor, createVisitor, login, requestOk } from '../helpers/clients';
import { createAgent, createOrganization } from '../helpers/factories';
import { startServer, type TestServer } from '../helpers/server';

const PASSWORD = 'a long enough password';
const SECRET_KEY = 'sk-very-secret-provider-key-42';

describe('translation routes', () => {
  let server: TestServer;
  let owner: string;
  let agent: string;
  let stranger: string;
  let conversationId: string;
  let visitorToken: string;
  let orgId: string;

  beforeAll(async () => {
    server = await startServer();
    const db = server.parley.db;
    const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    orgId = org.id;
    await createAgent(db, org.id, { email: 'plain@shop.test', password: PASSWORD, role: 'agent' });
    await createOrganization(
      db,
      'rival',
      { email: 'owner@rival.test', password: PASSWORD },
      'https://rival.test',
    );
    owner = await login(server);
    agent = await login(server, { email: 'plain@shop.test', password: PASSWORD });
    stranger = await login(server, { email: 'owner@rival.test', password: PASSWORD });
    const visitor = await createVisitor(server);
    visitorToken = visitor.token;
    const widget = await connectVisitor(server, visitor);
    const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: randomUUID(),
      body: 'Hola',
    });
    widget.close();
    conversationId = message.conversationId;
    // A provider of ours (nobody listens there: the routes below never reach it).
    const saved = await api(server, owner, 'PUT', '/api/v1/organization/translation', {
      provider: 'deepl',
      url: 'http://127.0.0.1:9/',
      key: SECRET_KEY,
    });
    expect(saved.status).toBe(200);
  });

  afterAll(() => server.close());

  it('never sends the provider key back, to anyone', async () => {
    const shown = await api(server, owner, 'GET', '/api/v1/organization/translation');
    expect(shown.body).toEqual({
      translation: {
        provider: 'deepl',
        url: 'http://127.0.0.1:9',
        hasKey: true,
        model: null,
        source: 'settings',
      },
    });
    for (const path of ['/api/v1/organization/translation', '/api/v1/organization']) {
      const reply = await api(server, owner, 'GET', path);
      expect(JSON.stringify(reply.body)).not.toContain(SECRET_KEY);
    }
    // Saving without a key keeps it; an empty one removes it.
    const kept = await api(server, owner, 'PUT', '/api/v1/organization/translation', {
      provider: 'deepl',
      url: 'http://127.0.0.1:9',
    });
    expect(JSON.stringify(kept.body)).not.toContain(SECRET_KEY);
    expect((kept.body as { translation: { hasKey: boolean } }).translation.hasKey).toBe(true);
  });

  it('keeps the provider settings and the glossary to owners and admins', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/v1/organization/translation', undefined],
      ['PUT', '/api/v1/organization/translation', { provider: 'none' }],
      ['POST', '/api/v1/organization/glossary', { term: 'Parley' }],
    ] as const) {
      const refused = await api(server, agent, method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
    }
    expect((await api(server, agent, 'GET', '/api/v1/organization/glossary')).status).toBe(200);
    // The refused PUT changed nothing.
    const still = await api(server, owner, 'GET', '/api/v1/organization/translation');
    expect((still.body as { translation: { provider: string } }).translation.provider).toBe(
      'deepl',
    );
  });

  it("finds nothing of another organization's: conversations and glossary terms", async () => {
    for (const path of ['translate-preview', 'translations']) {
      const reply = await api(
        server,
        stranger,
        'POST',
        `/api/v1/conversations/${conversationId}/${path}`,
        path === 'translations' ? { language: 'en' } : { text: 'Hello' },
      );
      expect(reply.status, path).toBe(404);
      expect(codeOf(reply)).toBe('not_found');
    }
    const added = await api<{ term: { id: string } }>(
      server,
      owner,
      'POST',
      '/api/v1/organization/glossary',
      { term: 'Parley Cloud' },
    );
    const removed = await api(
      server,
      stranger,
      'DELETE',
      `/api/v1/organization/glossary/${added.body.term.id}`,
    );
    expect(removed.status).toBe(404);
    const theirs = await api<{ terms: unknown[] }>(
      server,
      stranger,
      'GET',
      '/api/v1/organization/glossary',
    );
    expect(theirs.body.terms).toEqual([]);
    const ours = await api<{ terms: { id: string }[] }>(
      server,
      owner,
      'GET',
      '/api/v1/organization/glossary',
    );
    expect(ours.body.terms.map((t) => t.id)).toContain(added.body.term.id);
    // Their own provider settings are theirs: none, not ours.
    const settings = await api(server, stranger, 'GET', '/api/v1/organization/translation');
    expect((settings.body as { translation: { provider: string } }).translation.provider).toBe(
      'none',
    );
  });

  it('lets a visitor call none of it, whatever it sends', async () => {
    for (const [method, path] of [
      ['POST', `/api/v1/conversations/${conversationId}/translate-preview`],
      ['POST', `/api/v1/conversations/${conversationId}/translations`],
      ['GET', '/api/v1/organization/translation'],
      ['GET', '/api/v1/organization/glossary'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          origin: server.url,
          authorization: `Bearer ${visitorToken}`,
          cookie: `parley_session=${visitorToken}`,
          'content-type': 'application/json',
        },
        body: method === 'GET' ? null : JSON.stringify({ text: 'Hi', language: 'en' }),
      });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('bounds the glossary: term length, count, duplicates', async () => {
    const tooLong = await api(server, owner, 'POST', '/api/v1/organization/glossary', {
      term: 'x'.repeat(101),
    });
    expect(tooLong.status).toBe(400);
    const duplicate = await api(server, owner, 'POST', '/api/v1/organization/glossary', {
      term: 'Parley Cloud',
    });
    expect(codeOf(duplicate)).toBe('glossary_term_taken');
    const db = server.parley.db;
    const org = { id: orgId };
    const have = await db
      .selectFrom('glossary_terms')
      .select('id')
      .where('org_id', '=', org.id)
      .execute();
    const at = new Date().toISOString();
    const fill = Array.from({ length: MAX_GLOSSARY_TERMS - have.length }, (_, i) => ({
      id: randomUUID(),
      org_id: org.id,
      term: `filler ${i}`,
      translation: null,
      created_at: at,
    }));
    for (let i = 0; i < fill.length; i += 100)
      await db
        .insertInto('glossary_terms')
        .values(fill.slice(i, i + 100))
        .execute();
    const full = await api(server, owner, 'POST', '/api/v1/organization/glossary', {
      term: '.*(a+)+$',
    });
    expect(full.status).toBe(409);
    expect(codeOf(full)).toBe('glossary_full');
  });

  it('refuses a provider URL that is not http(s), and a malformed language', async () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'not a url']) {
      const refused = await api(server, owner, 'PUT', '/api/v1/organization/translation', {
        provider: 'libretranslate',
        url,
      });
      expect(refused.status, url).toBe(400);
    }
    const badLanguage = await api(
      server,
      owner,
      'POST',
      `/api/v1/conversations/${conversationId}/translations`,
      { language: 'not a language tag!' },
    );
    expect(badLanguage.status).toBe(400);
    // Only a console language: variants of one cannot queue the conversation over and over.
    const variant = await api(
      server,
      owner,
      'POST',
      `/api/v1/conversations/${conversationId}/translations`,
      { language: 'es-MX' },
    );
    expect(variant.status).toBe(400);
  });

  // Last: it spends this address's budget.
  it('bounds the previews one address asks for, each of which may call the provider', async () => {
    const path = `/api/v1/conversations/${conversationId}/translate-preview`;
    // The bucket refills while the requests are served: ask for well over the budget at once.
    const asked = TRANSLATION_REQUESTS_PER_ADDRESS_PER_MINUTE + 200;
    const answers = await Promise.all(
      Array.from({ length: asked }, () =>
        api(server, agent, 'POST', path, { text: 'Your order ships tomorrow' }),
      ),
    );
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map(codeOf))).toEqual(new Set(['rate_limited']));
  });
});

describe('a provider set by the environment', () => {
  let server: TestServer;
  let owner: string;

  beforeAll(async () => {
    server = await startServer(undefined, {
      translation: {
        provider: 'openai',
        url: 'http://127.0.0.1:9',
        key: SECRET_KEY,
        model: 'gpt-test',
      },
    });
    owner = await login(server);
  });

  afterAll(() => server.close());

  it('is shown read-only, without its key, and cannot be changed in Settings', async () => {
    const shown = await api(server, owner, 'GET', '/api/v1/organization/translation');
    expect(shown.body).toEqual({
      translation: {
        provider: 'openai',
        url: 'http://127.0.0.1:9',
        hasKey: true,
        model: 'gpt-test',
        source: 'environment',
      },
    });
    const changed = await api(server, owner, 'PUT', '/api/v1/organization/translation', {
      provider: 'none',
    });
    expect(changed.status).toBe(403);
    expect(JSON.stringify(changed.body)).not.toContain(SECRET_KEY);
  });
});
