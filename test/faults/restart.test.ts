import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message, SyncResult, VisitorConversation } from '../../src/protocol/schemas';
import {
  connectVisitor,
  createVisitor,
  request,
  requestOk,
  type VisitorSocket,
} from '../helpers/clients';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { startServer } from '../helpers/server';

const running: ServerProcess[] = [];
let database: TestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  for (const p of running.splice(0)) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
  await database.drop();
});

const PER_VISITOR = 60;

/** Sends like the widget's outbox: when told to slow down, it waits and tries again. */
async function sendPatiently(socket: VisitorSocket, clientId: string, body: string): Promise<void> {
  for (;;) {
    const result = await request(socket, 'message:send', { clientId, body });
    if (result.ok) return;
    if (result.error.code !== 'rate_limited') throw new Error(result.error.message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function history(socket: VisitorSocket): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const page = await requestOk<SyncResult<VisitorConversation>>(socket, 'conversation:sync', {
      afterSeq: all.at(-1)?.seq ?? 0,
    });
    all.push(...page.messages);
    if (!page.hasMore) return all;
  }
}

describe('restarts', () => {
  it('keeps everything acknowledged across a clean restart on the same data directory', async () => {
    let server = await startServer(database);
    const visitor = await createVisitor(server);
    let socket = await connectVisitor(server, visitor);
    for (let i = 1; i <= 5; i++)
      await requestOk(socket, 'message:send', { clientId: `c${i}`, body: `m${i}` });
    socket.close();
    await server.close();

    server = await startServer(database);
    socket = await connectVisitor(server, visitor);
    expect((await history(socket)).map((m) => [m.seq, m.body])).toEqual([
      [1, 'm1'],
      [2, 'm2'],
      [3, 'm3'],
      [4, 'm4'],
      [5, 'm5'],
    ]);
    socket.close();
    await server.close();
  });

  it('loses no acknowledged message when the process is killed with SIGKILL mid-flight', async () => {
    const port = await freePort();
    const first = await spawnServer(database, port);
    running.push(first);
    const server = await endpointOf(first, database);
    const visitors = await Promise.all(Array.from({ length: 4 }, () => createVisitor(server)));
    const sockets = await Promise.all(visitors.map((v) => connectVisitor(server, v)));

    // Four visitors send steadily; the server is killed while their sends are in flight.
    const acked: Set<string>[] = visitors.map(() => new Set());
    const killer = setTimeout(() => first.child.kill('SIGKILL'), 300);
    await Promise.all(
      sockets.map(async (socket, v) => {
        const sends: Promise<void>[] = [];
        for (let i = 1; i <= PER_VISITOR; i++) {
          const clientId = `v${v}-${i}`;
          const sent = request(socket, 'message:send', { clientId, body: `kill test ${i}` });
          sends.push(
            sent.then(
              (r) => void (r.ok && acked[v]?.add(clientId)),
              () => undefined,
            ),
          );
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await Promise.all(sends);
      }),
    );
    clearTimeout(killer);
    await first.exited;
    sockets.forEach((s) => s.close());
    expect(acked.reduce((n, set) => n + set.size, 0)).toBeGreaterThan(0);

    running.push(await spawnServer(database, port));
    for (const [v, visitor] of visitors.entries()) {
      const socket = await connectVisitor(server, visitor);
      const stored = await history(socket);
      const storedIds = stored.map((m) => m.clientId ?? '');
      for (const id of acked[v] ?? []) expect(storedIds).toContain(id);
      expect(new Set(storedIds).size).toBe(storedIds.length);
      expect(stored.map((m) => m.seq)).toEqual(stored.map((_, i) => i + 1));

      // The widget's outbox resends whatever was not acknowledged: each lands exactly once.
      for (let i = 1; i <= PER_VISITOR; i++)
        await sendPatiently(socket, `v${v}-${i}`, `kill test ${i}`);
      socket.close();
      const fresh = await connectVisitor(server, visitor); // a new socket, a full event budget
      const after = await history(fresh);
      expect(after.map((m) => m.clientId).sort()).toEqual(
        Array.from({ length: PER_VISITOR }, (_, i) => `v${v}-${i + 1}`).sort(),
      );
      fresh.close();
    }
  }, 60_000);

  it('stops cleanly on SIGTERM', async () => {
    const p = await spawnServer(database, await freePort());
    running.push(p);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
