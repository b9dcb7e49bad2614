import { setTimeout as pause } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  collect,
  connectAgent,
  connectVisitor,
  createVisitor,
  eventually,
  login,
  request,
  requestOk,
  type AgentSocket,
} from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { startServer, type TestServer } from '../../../../test/helpers/server';
import type { Clock } from '../../core/clock';
import type { AgentPresence, PresenceStatus } from '../../../protocol/routing-schemas';

const PASSWORD = 'a long enough password';
/** Short, so that tests wait little for an agent to turn offline; a reload still fits in it. */
const GRACE_MS = 1500;

let server: TestServer;
const sockets: AgentSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server.close();
});

interface Team {
  /** The owner's session: the colleague who watches. */
  owner: string;
  orgId: string;
  /** Nadia, an agent, and her session. */
  nadia: { id: string; cookie: string };
}

async function start(clock?: Clock): Promise<Team> {
  server = await startServer(undefined, { presenceGraceMs: GRACE_MS }, { clock });
  const owner = await login(server);
  const { id: orgId } = await server.parley.db
    .selectFrom('organizations')
    .select('id')
    .executeTakeFirstOrThrow();
  const id = await createAgent(server.parley.db, orgId, {
    email: 'nadia@shop.test',
    password: PASSWORD,
    role: 'agent',
  });
  const cookie = await login(server, { email: 'nadia@shop.test', password: PASSWORD });
  return { owner, orgId, nadia: { id, cookie } };
}

async function tab(cookie: string): Promise<AgentSocket> {
  const socket = await connectAgent(server, cookie);
  sockets.push(socket);
  return socket;
}

/** What routing reads for an agent. */
async function stored(agentId: string): Promise<PresenceStatus> {
  const row = await server.parley.db
    .selectFrom('agents')
    .select('presence')
    .where('id', '=', agentId)
    .executeTakeFirstOrThrow();
  return row.presence;
}

/** Every `agent.presence` domain event for one agent from now on: what routing hears. */
function routingHears(agentId: string): PresenceStatus[] {
  const heard: PresenceStatus[] = [];
  server.parley.events.on('agent.presence', (e) => {
    if (e.agentId === agentId) heard.push(e.presence);
  });
  return heard;
}

/** The presences a colleague's console is told of for one agent. */
function colleagueSees(socket: AgentSocket, agentId: string): () => PresenceStatus[] {
  const heard = collect<{ agentId: string; presence: PresenceStatus }>(socket, 'agent:presence');
  return () => heard.filter((p) => p.agentId === agentId).map((p) => p.presence);
}

const listed = async (cookie: string) =>
  (await api<{ agents: AgentPresence[] }>(server, cookie, 'GET', '/api/v1/agents/presence')).body
    .agents;

/** Lets a grace timer started just before run out: only then does "nothing happened" mean anything. */
const outlastGrace = () => pause(GRACE_MS * 2);

describe('presence across reloads and tabs', () => {
  it('survives a reload without flapping, and goes offline once the grace period is over', async () => {
    const { owner, nadia } = await start();
    const colleague = await tab(owner);
    const seen = colleagueSees(colleague, nadia.id);
    const heard = routingHears(nadia.id);
    expect(await stored(nadia.id)).toBe('offline');

    const first = await tab(nadia.cookie);
    await eventually(() => expect(seen()).toEqual(['online']));
    first.close();
    await tab(nadia.cookie); // the reload
    const { agents } = (
      await api<{ agents: AgentPresence[] }>(server, owner, 'GET', '/api/v1/agents/presence')
    ).body;
    expect(agents.find((a) => a.agentId === nadia.id)?.presence).toBe('online');

    // The tab closes for good: offline, after the grace period of the last close only.
    sockets.at(-1)!.close();
    await eventually(async () => expect(await stored(nadia.id)).toBe('offline'));
    await eventually(() => expect(seen()).toEqual(['online', 'offline']));
    expect(heard).toEqual(['online', 'offline']);
  });

  it('keeps an agent with two tabs online when one of them closes', async () => {
    const { owner, nadia } = await start();
    const seen = colleagueSees(await tab(owner), nadia.id);
    const one = await tab(nadia.cookie);
    const two = await tab(nadia.cookie);
    await eventually(() => expect(seen()).toEqual(['online']));

    one.close();
    await outlastGrace();
    expect(await stored(nadia.id)).toBe('online');
    expect(seen()).toEqual(['online']);

    two.close();
    await eventually(() => expect(seen()).toEqual(['online', 'offline']));
    expect(await stored(nadia.id)).toBe('offline');
  });
});

describe('status chosen by the agent', () => {
  it('is seen live by a colleague, by socket and by REST, and listed for the console', async () => {
    const { owner, nadia } = await start();
    const seen = colleagueSees(await tab(owner), nadia.id);
    const console = await tab(nadia.cookie);
    await eventually(() => expect(seen()).toEqual(['online']));

    expect(await requestOk(console, 'presence:set', { status: 'away' })).toEqual({
      presence: 'away',
      chosenStatus: 'away',
    });
    await eventually(() => expect(seen()).toEqual(['online', 'away']));
    expect((await listed(owner)).find((a) => a.agentId === nadia.id)?.presence).toBe('away');

    const put = await api(server, nadia.cookie, 'PUT', '/api/v1/presence', { status: 'offline' });
    expect(put.body).toEqual({ presence: 'offline', chosenStatus: 'offline' });
    await requestOk(console, 'presence:set', { status: 'online' });
    await eventually(() => expect(seen()).toEqual(['online', 'away', 'offline', 'online']));
    expect(await stored(nadia.id)).toBe('online');
  });

  it('stays offline while no console is open, whatever was chosen over REST', async () => {
    const { nadia } = await start();
    const put = await api(server, nadia.cookie, 'PUT', '/api/v1/presence', { status: 'online' });
    expect(put.body).toEqual({ presence: 'offline', chosenStatus: 'online' });
    expect(await stored(nadia.id)).toBe('offline');
  });
});

describe('away after idle', () => {
  it("turns an idle online agent away after the organization's idle time, and back on activity", async () => {
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset };
    const { owner, orgId, nadia } = await start(clock);
    await server.parley.db
      .updateTable('organizations')
      .set({ routing_settings: JSON.stringify({ awayAfterMinutes: 5 }) })
      .where('id', '=', orgId)
      .execute();
    const seen = colleagueSees(await tab(owner), nadia.id);
    const console = await tab(nadia.cookie);
    await eventually(() => expect(seen()).toEqual(['online']));

    offset += 6 * 60_000; // six idle minutes; the periodic check runs on its next poll
    await eventually(() => expect(seen()).toEqual(['online', 'away']));
    expect(await stored(nadia.id)).toBe('away');

    expect(await requestOk(console, 'presence:activity', {})).toEqual({
      presence: 'online',
      chosenStatus: 'online',
    });
    await eventually(() => expect(seen()).toEqual(['online', 'away', 'online']));
  });
});

describe('who may do what', () => {
  it('refuses presence events from a visitor: the widget has no such event', async () => {
    await start();
    const widget = await connectVisitor(server, await createVisitor(server));
    try {
      for (const event of ['presence:set', 'presence:activity']) {
        const result = await request(widget, event, { status: 'offline' });
        expect(result).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
      }
    } finally {
      widget.close();
    }
  });

  it("lets no agent set another agent's presence, nor see another organization's", async () => {
    const { owner, nadia } = await start();
    const console = await tab(nadia.cookie);
    await eventually(async () => expect(await stored(nadia.id)).toBe('online'));
    const me = (await listed(owner)).find((a) => a.agentId !== nadia.id)!;

    const bySocket = await request(console, 'presence:set', {
      status: 'offline',
      agentId: me.agentId,
    });
    expect(bySocket).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const byRest = await api(server, nadia.cookie, 'PUT', '/api/v1/presence', {
      status: 'offline',
      agentId: me.agentId,
    });
    expect([byRest.status, codeOf(byRest)]).toEqual([400, 'invalid_payload']);
    expect(await stored(nadia.id)).toBe('online');

    await createOrganization(
      server.parley.db,
      'other',
      { email: 'boss@other.test', password: PASSWORD },
      'https://other.test',
    );
    const theirs = await login(server, { email: 'boss@other.test', password: PASSWORD });
    expect((await listed(theirs)).map((a) => a.name)).toEqual(['other agent']);
    expect((await listed(nadia.cookie)).map((a) => a.agentId).sort()).toEqual(
      [me.agentId, nadia.id].sort(),
    );
  });
});
