/**
 * Live translation end to end, over real sockets, for each provider against a local server
 * speaking its API: a Spanish visitor and an English agent each read the other in their own
 * language, the glossary holds, a repeated text calls the provider once, and a provider that is
 * down, rate-limiting or answering badly never holds a message back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, MessageTranslation } from '../../../protocol/schemas';
import type { MessageTranslated } from '../../../protocol/translation-schemas';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  collect,
  connectAwayAgent,
  connectVisitor,
  eventually,
  login,
  requestOk,
  type AgentSocket,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { SITE_ORIGIN, startServer, type TestServer } from '../../../../test/helpers/server';
import {
  FakeProvider,
  PROVIDER_KEY,
  type ProviderKind,
} from '../../../../test/helpers/translation-provider';

const KINDS: ProviderKind[] = ['libretranslate', 'deepl', 'openai'];

describe.each(KINDS)('live translation through %s', (kind) => {
  let fake: FakeProvider;
  let server: TestServer;
  let cookie: string;
  let agent: AgentSocket;
  let agentHeard: MessageTranslated[];
  let agentNew: Message[];
  const widgets: VisitorSocket[] = [];

  beforeAll(async () => {
    fake = await FakeProvider.start(kind);
    server = await startServer(undefined, {
      translation: {
        provider: kind,
        url: fake.url,
        key: PROVIDER_KEY,
        model: kind === 'openai' ? 'test-model' : null,
      },
      // Short, so that the hanging provider's tests end soon; backoff short, so retries come fast.
      translationTimeoutMs: 1000,
      jobs: { pollMs: 25, leaseMs: 30_000, backoff: { baseMs: 10, maxMs: 100 } },
    });
    cookie = await login(server);
    agent = await connectAwayAgent(server, cookie);
    agentHeard = collect<MessageTranslated>(agent, 'message:translated');
    agentNew = collect<Message>(agent, 'message:new');
  });

  afterAll(async () => {
    for (const widget of widgets) widget.close();
    agent.close();
    await server.close();
    await fake.close();
  });

  /** A visitor whose browser speaks `language`, connected, with what its widget hears. */
  async function visitor(language = 'es') {
    const res = await fetch(`${server.url}/api/v1/widget/visitors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE_ORIGIN },
      body: JSON.stringify({ siteKey: server.widgetKey, language }),
    });
    const credentials = (await res.json()) as { visitorId: string; token: string };
    const widget = await connectVisitor(server, credentials);
    widgets.push(widget);
    const heard = collect<MessageTranslated>(widget, 'message:translated');
    const received = collect<Message>(widget, 'message:new');
    const say = async (body: string) =>
      (
        await requestOk<{ message: Message }>(widget, 'message:send', {
          clientId: randomUUID(),
          body,
        })
      ).message;
    return { widget, heard, received, say };
  }

  const reply = async (conversationId: string, body: string, extra: object = {}) =>
    (
      await requestOk<{ message: Message }>(agent, 'message:send', {
        conversationId,
        clientId: randomUUID(),
        body,
        ...extra,
      })
    ).message;

  const agentTranslation = (messageId: string) => agentHeard.find((t) => t.messageId === messageId);

  async function agentSync(conversationId: string): Promise<Message[]> {
    const reply = await api<{ messages: Message[] }>(
      server,
      cookie,
      'GET',
      `/api/v1/conversations/${conversationId}/messages`,
    );
    return reply.body.messages;
  }

  async function visitorSync(widget: VisitorSocket): Promise<Message[]> {
    const sync = await requestOk<{ messages: Message[] }>(widget, 'conversation:sync', {
      afterSeq: 0,
    });
    return sync.messages;
  }

  const done = (language: string, body: string): MessageTranslation => ({
    language,
    status: 'done',
    body,
  });

  it("shows the agent a Spanish visitor's message in English, in real time and in sync", async () => {
    fake.mode = 'ok';
    const { say, widget } = await visitor('es');
    const message = await say('Hola, necesito ayuda con mi pedido');
    // Delivered at once, untranslated; the agents' copy says a translation is on its way.
    expect(message.body).toBe('Hola, necesito ayuda con mi pedido');
    await eventually(() =>
      expect(agentNew.find((m) => m.id === message.id)?.translations).toEqual([
        { language: 'en', status: 'pending', body: null },
      ]),
    );
    await eventually(() =>
      expect(agentTranslation(message.id)?.translation).toEqual(
        done('en', 'Hello, I need help with my order'),
      ),
    );
    const synced = (await agentSync(message.conversationId)).find((m) => m.id === message.id);
    expect(synced?.translations).toEqual([done('en', 'Hello, I need help with my order')]);
    // The visitor is never shown the translation made for the agents.
    const own = (await visitorSync(widget)).find((m) => m.id === message.id);
    expect(own?.translations).toEqual([]);
  });

  it("gives the visitor the agent's English reply in Spanish", async () => {
    fake.mode = 'ok';
    const { say, heard, received, widget } = await visitor('es');
    const first = await say('Hola');
    const answer = await reply(first.conversationId, 'Thanks, your order ships tomorrow');
    expect(answer.translations).toEqual([{ language: 'es', status: 'pending', body: null }]);
    await eventually(() =>
      expect(received.find((m) => m.id === answer.id)?.translations).toEqual([
        { language: 'es', status: 'pending', body: null },
      ]),
    );
    await eventually(() =>
      expect(heard.find((t) => t.messageId === answer.id)?.translation).toEqual(
        done('es', 'Gracias, su pedido sale mañana'),
      ),
    );
    const synced = (await visitorSync(widget)).find((m) => m.id === answer.id);
    expect(synced?.translations).toEqual([done('es', 'Gracias, su pedido sale mañana')]);
  });

  it('asks the provider once for a text it translated before', async () => {
    fake.mode = 'ok';
    const { say, heard } = await visitor('es');
    const first = await say('Hola');
    const once = await reply(first.conversationId, 'Thanks, your order is on the way');
    await eventually(() => expect(heard.find((t) => t.messageId === once.id)).toBeDefined());
    const calls = fake.calls;
    const again = await reply(first.conversationId, 'Thanks, your order is on the way');
    await eventually(() =>
      expect(heard.find((t) => t.messageId === again.id)?.translation.status).toBe('done'),
    );
    expect(fake.calls).toBe(calls);
  });

  it('sends the reply the agent previewed and edited as it is, and notes never', async () => {
    fake.mode = 'ok';
    const { say, received } = await visitor('es');
    const first = await say('Hola');
    const calls = fake.calls;
    const preview = await api(
      server,
      cookie,
      'POST',
      `/api/v1/conversations/${first.conversationId}/translate-preview`,
      {
        text: 'Thanks, your order ships tomorrow',
      },
    );
    expect(preview.body).toEqual({ language: 'es', body: 'Gracias, su pedido sale mañana' });
    const edited = await reply(first.conversationId, 'Thanks, your order ships tomorrow', {
      translation: { language: 'es', body: 'Gracias, su pedido sale mañana temprano' },
    });
    expect(edited.translations).toEqual([done('es', 'Gracias, su pedido sale mañana temprano')]);
    await eventually(() =>
      expect(received.find((m) => m.id === edited.id)?.translations).toEqual([
        done('es', 'Gracias, su pedido sale mañana temprano'),
      ]),
    );
    const note = await reply(first.conversationId, 'Customer seems upset', { internal: true });
    expect(note.translations).toEqual([]);
    const stored = await server.parley.db
      .selectFrom('message_translations')
      .select('message_id')
      .where('message_id', '=', note.id)
      .execute();
    expect(stored).toEqual([]);
    // The preview called the provider once; the edited reply and the note not at all.
    expect(fake.calls).toBe(calls + 1);
  });

  it('keeps glossary terms untranslated', async () => {
    fake.mode = 'ok';
    const added = await api(server, cookie, 'POST', '/api/v1/organization/glossary', {
      term: 'Parley',
      translation: null,
    });
    expect(added.status).toBe(201);
    const { say } = await visitor('es');
    const message = await say('Hola, quiero comprar Parley hoy');
    await eventually(() =>
      expect(agentTranslation(message.id)?.translation).toEqual(
        done('en', 'Hello, I want to buy Parley today'),
      ),
    );
    expect(fake.seen.at(-1)!.text).toBe('Hola, quiero comprar {{0}} hoy');
  });

  it('delivers at once while the provider is down, and translates when it is back', async () => {
    fake.mode = 'down';
    const { say } = await visitor('es');
    const calls = fake.calls;
    const message = await say('Hola, mi pedido está en camino');
    await eventually(() =>
      expect(agentNew.find((m) => m.id === message.id)?.translations).toEqual([
        { language: 'en', status: 'pending', body: null },
      ]),
    );
    // It tried, failed, and the message is still there, marked pending, for anyone who syncs.
    await eventually(() => expect(fake.calls).toBeGreaterThan(calls + 1));
    const meanwhile = (await agentSync(message.conversationId)).find((m) => m.id === message.id);
    expect(meanwhile?.body).toBe('Hola, mi pedido está en camino');
    expect(meanwhile?.translations).toEqual([{ language: 'en', status: 'pending', body: null }]);
    fake.mode = 'rate-limited';
    const limited = fake.calls;
    await eventually(() => expect(fake.calls).toBeGreaterThan(limited));
    fake.mode = 'ok';
    await eventually(() =>
      expect(agentTranslation(message.id)?.translation).toEqual(
        done('en', 'Hello, my order is on the way'),
      ),
    );
    const after = (await agentSync(message.conversationId)).find((m) => m.id === message.id);
    expect(after?.translations).toEqual([done('en', 'Hello, my order is on the way')]);
  });

  it('marks a translation failed after the last attempt at a provider answering HTML', async () => {
    fake.mode = 'html';
    const { say, heard, widget } = await visitor('es');
    const first = await say('Hola');
    const answer = await reply(first.conversationId, 'Thanks, your order ships today');
    await eventually(() =>
      expect(heard.find((t) => t.messageId === answer.id)?.translation).toEqual({
        language: 'es',
        status: 'failed',
        body: null,
      }),
    );
    const synced = (await visitorSync(widget)).find((m) => m.id === answer.id);
    expect(synced?.body).toBe('Thanks, your order ships today');
    expect(synced?.translations).toEqual([{ language: 'es', status: 'failed', body: null }]);
    fake.mode = 'ok';
  });

  it("translates a conversation into another reader's language when asked", async () => {
    fake.mode = 'ok';
    const { say } = await visitor('es');
    const first = await say('Hola');
    const answer = await reply(first.conversationId, 'Thanks', { translate: false });
    const asked = await api(
      server,
      cookie,
      'POST',
      `/api/v1/conversations/${first.conversationId}/translations`,
      {
        language: 'zh-Hans',
      },
    );
    expect(asked.body).toEqual({ queued: 2 });
    await eventually(() => {
      expect(
        agentHeard.find((t) => t.messageId === first.id && t.translation.language === 'zh-Hans')
          ?.translation,
      ).toEqual(done('zh-Hans', '你好'));
      expect(
        agentHeard.find((t) => t.messageId === answer.id && t.translation.language === 'zh-Hans')
          ?.translation,
      ).toEqual(done('zh-Hans', '谢谢'));
    });
    const again = await api(
      server,
      cookie,
      'POST',
      `/api/v1/conversations/${first.conversationId}/translations`,
      {
        language: 'zh-Hans',
      },
    );
    expect(again.body).toEqual({ queued: 0 });
  });

  it('answers a preview honestly when none is needed or the provider is down', async () => {
    const english = await visitor('en');
    const inEnglish = await english.say('Hello there');
    const notNeeded = await api(
      server,
      cookie,
      'POST',
      `/api/v1/conversations/${inEnglish.conversationId}/translate-preview`,
      {
        text: 'Thanks',
      },
    );
    expect(notNeeded.status).toBe(409);
    expect(codeOf(notNeeded)).toBe('translation_not_needed');
    const spanish = await visitor('es');
    const first = await spanish.say('Hola');
    for (const mode of ['down', 'hang'] as const) {
      fake.mode = mode;
      const refused = await api(
        server,
        cookie,
        'POST',
        `/api/v1/conversations/${first.conversationId}/translate-preview`,
        {
          text: `Your order ${mode} ships tomorrow`,
        },
      );
      expect(refused.status).toBe(503);
      expect(codeOf(refused)).toBe('translation_unavailable');
    }
    fake.mode = 'ok';
  });
});
