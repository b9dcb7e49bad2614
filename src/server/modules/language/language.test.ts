/**
 * Detected languages in the message path, through real sockets and REST on the engine under
 * test: each message's `language`, the conversation following its visitor once sure, and routing
 * matching agents on the detected language rather than the browser's.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_LENGTH } from '../../../protocol/limits';
import type { MessageMeta } from '../../../protocol/routing-schemas';
import type { Conversation, Message, SyncResult } from '../../../protocol/schemas';
import { api } from '../../../../test/helpers/api';
import { eventually, login, requestOk, type VisitorSocket } from '../../../../test/helpers/clients';
import {
  AGENT_PASSWORD,
  assigneeOf as assigneeOfIn,
  createTeam,
  routingAgent,
  setPresence,
  teamVisitor,
  type Team as RoutingTeam,
} from '../../../../test/helpers/routing';
import { startServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
const sockets: VisitorSocket[] = [];

beforeAll(async () => {
  // Behind a trusted proxy: each visitor comes from an address of its own.
  server = await startServer(undefined, { trustProxy: 1 });
});

afterAll(async () => {
  sockets.forEach((s) => s.close());
  await server?.close();
});

interface Team extends RoutingTeam {
  /** The owner's session: they read over REST. */
  cookie: string;
}

/** A new organization with its own site; its owner stays offline but reads over REST. */
async function newTeam(): Promise<Team> {
  const team = await createTeam(server);
  return {
    ...team,
    cookie: await login(server, { email: team.ownerEmail, password: AGENT_PASSWORD }),
  };
}

/** A new visitor of the team's site whose browser says `language`. */
async function newVisitor(team: Team, language: string): Promise<VisitorSocket> {
  const widget = await teamVisitor(server, team, language);
  sockets.push(widget);
  return widget;
}

async function say(widget: VisitorSocket, body: string): Promise<Message> {
  const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
    clientId: randomUUID(),
    body,
  });
  return message;
}

/** The conversation and its messages as the console reads them over REST. */
async function read(team: Team, conversationId: string): Promise<SyncResult<Conversation>> {
  const reply = await api<SyncResult<Conversation>>(
    server,
    team.cookie,
    'GET',
    `/api/v1/conversations/${conversationId}/messages`,
  );
  expect(reply.status).toBe(200);
  return reply.body;
}

const assigneeOf = (conversationId: string) => assigneeOfIn(server.parley, conversationId);

describe('detected languages', () => {
  it('routes a visitor whose browser is English but who writes Portuguese to the Portuguese speaker', async () => {
    const team = await newTeam();
    const ana = await routingAgent(server.parley, team.orgId, 'Ana', { languages: ['en'] });
    const bo = await routingAgent(server.parley, team.orgId, 'Bo', { languages: ['pt-BR'] });
    for (const id of [ana, bo]) await setPresence(server.parley, id, 'online');
    const widget = await newVisitor(team, 'en-US');
    const first = await say(widget, 'ola, meu pedido ainda nao chegou, pode ver pra mim?');
    expect(first.language).toBe('pt');
    await eventually(async () => expect(await assigneeOf(first.conversationId)).toBe(bo));
    const { conversation, messages } = await read(team, first.conversationId);
    expect(conversation).toMatchObject({ language: 'pt', languageSource: 'detected' });
    const assignment = messages.find((m) => m.meta?.kind === 'assignment')!;
    expect(assignment.language).toBeNull();
    expect(assignment.meta).toMatchObject({
      agentName: 'Bo',
      language: 'pt',
      languageMatch: true,
    } satisfies Partial<MessageMeta>);
  });

  it("matches an agent's base language to Chinese in either script", async () => {
    const team = await newTeam();
    const ana = await routingAgent(server.parley, team.orgId, 'Ana', { languages: ['en', 'fr'] });
    const wei = await routingAgent(server.parley, team.orgId, 'Wei', { languages: ['zh'] });
    for (const id of [ana, wei]) await setPresence(server.parley, id, 'online');
    const traditional = await say(await newVisitor(team, 'en'), '請問這個還有貨嗎？運費多少錢');
    const simplified = await say(await newVisitor(team, 'fr'), '请问这个还有货吗？运费多少钱');
    expect([traditional.language, simplified.language]).toEqual(['zh-Hant', 'zh-Hans']);
    for (const { conversationId } of [traditional, simplified]) {
      await eventually(async () => expect(await assigneeOf(conversationId)).toBe(wei));
    }
  });

  it("keeps the browser's language until a message is sure, and then follows the visitor", async () => {
    const team = await newTeam();
    const widget = await newVisitor(team, 'de-DE');
    const emoji = await say(widget, '👍👍');
    const { conversation: before } = await read(team, emoji.conversationId);
    expect(emoji.language).toBeNull();
    expect(before).toMatchObject({ language: 'de-DE', languageSource: 'browser' });
    const greeting = await say(widget, 'hola');
    expect(greeting.language === null || greeting.language === 'es').toBe(true);
    expect((await read(team, emoji.conversationId)).conversation?.languageSource).toBe('browser');
    await say(widget, 'hola, cuanto cuesta el envio a mexico?');
    const { conversation, messages } = await read(team, emoji.conversationId);
    expect(conversation).toMatchObject({ language: 'es', languageSource: 'detected' });
    expect(messages.filter((m) => m.author.type === 'visitor').at(-1)?.language).toBe('es');
  });

  it("detects agents' replies too, and gives the language on REST and over the socket", async () => {
    const team = await newTeam();
    const widget = await newVisitor(team, 'en');
    const heard = new Promise<Message>((resolve) =>
      widget.on('message:new', (m: Message) => m.author.type === 'agent' && resolve(m)),
    );
    const first = await say(widget, 'where is my order? it has been two weeks');
    const reply = await api<{ message: Message }>(
      server,
      team.cookie,
      'POST',
      `/api/v1/conversations/${first.conversationId}/messages`,
      { clientId: randomUUID(), body: 'Sorry for the wait, your parcel left our warehouse today.' },
    );
    expect(reply.status).toBe(201);
    expect(reply.body.message.language).toBe('en');
    expect((await heard).language).toBe('en');
  });

  it('stores huge and binary-looking messages, detecting only what they say', async () => {
    const team = await newTeam();
    const widget = await newVisitor(team, 'en');
    const huge = 'onde está o meu pedido? '
      .repeat(Math.ceil(MAX_MESSAGE_LENGTH / 24))
      .slice(0, MAX_MESSAGE_LENGTH);
    const long = await say(widget, huge);
    expect(long.language).toBe('pt');
    expect(long.body).toHaveLength(MAX_MESSAGE_LENGTH);
    const binary = await say(
      widget,
      '\u0001\u0002ÿþ\u00ad\ufffd\ufffd%PDF-1.4 ��\u0003\u007f 0x1f 0x8b',
    );
    expect(binary.language).toBeNull();
    const { conversation } = await read(team, long.conversationId);
    expect(conversation).toMatchObject({ language: 'pt', languageSource: 'detected' });
  });
});
