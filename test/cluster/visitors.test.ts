/**
 * Live visitors on two nodes sharing a database and Redis: a visitor browsing through node 1 shows
 * up live for an agent connected to node 2, and an invitation made on node 2 reaches the visitor
 * in the reply to its next beacon on node 1.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LiveVisitor, TrackReply } from '../../src/protocol/visitor-schemas';
import { collect, connectAgent, createVisitor, login } from '../helpers/clients';
import type { VisitorCredentials } from '../helpers/clients';
import { SITE_ORIGIN, type ServerEndpoint } from '../helpers/server';
import { CLUSTER_ENGINES, startCluster, type Cluster } from './cluster';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** A beacon as the loader sends it: text/plain JSON from the shop's page. */
async function beacon(
  node: ServerEndpoint,
  visitor: VisitorCredentials,
  url: string,
): Promise<TrackReply> {
  const res = await fetch(`${node.url}/api/v1/widget/track`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': CHROME,
      origin: SITE_ORIGIN,
    },
    body: JSON.stringify({
      siteKey: node.widgetKey,
      ...visitor,
      events: [{ type: 'page', url, title: url, referrer: '', spa: false, at: Date.now() }],
    }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as TrackReply;
}

describe.each(CLUSTER_ENGINES)('live visitors on two nodes on %s and Redis', (engine) => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster(engine, 2);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('shows a visitor browsing through node 1 to an agent on node 2, and invites them from there', async () => {
    const [one, two] = [cluster.endpoints[0]!, cluster.endpoints[1]!];
    const cookie = await login(two);
    const agent = await connectAgent(two, cookie);
    const updates = collect<LiveVisitor>(agent, 'visitors:update');
    const visitor = await createVisitor(one);

    await beacon(one, visitor, 'https://shop.test/shoes');
    await vi.waitFor(
      () =>
        expect(updates.find((v) => v.visitorId === visitor.visitorId)?.currentUrl).toBe(
          'https://shop.test/shoes',
        ),
      { timeout: 10_000 },
    );
    await beacon(one, visitor, 'https://shop.test/checkout');
    await vi.waitFor(
      () =>
        expect(updates.filter((v) => v.visitorId === visitor.visitorId).at(-1)).toMatchObject({
          currentUrl: 'https://shop.test/checkout',
          pagesThisVisit: 2,
        }),
      { timeout: 10_000 },
    );
    const live = await fetch(`${two.url}/api/v1/visitors/live`, { headers: { cookie } });
    const { visitors } = (await live.json()) as { visitors: LiveVisitor[] };
    expect(visitors.map((v) => v.visitorId)).toContain(visitor.visitorId);

    const invited = await fetch(`${two.url}/api/v1/visitors/${visitor.visitorId}/invitations`, {
      method: 'POST',
      headers: { cookie, origin: two.url, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Need help with your size?' }),
    });
    expect(invited.status).toBe(201);
    const reply = await beacon(one, visitor, 'https://shop.test/checkout');
    expect(reply.invitation).toMatchObject({ message: 'Need help with your size?' });
    agent.disconnect();
  });
});
