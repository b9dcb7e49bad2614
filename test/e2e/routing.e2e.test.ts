import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/server/db/database';
import {
  connected,
  createVisitor,
  requestOk,
  visitorSocket,
  type VisitorSocket,
} from '../helpers/clients';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { ADMIN, type ServerEndpoint } from '../helpers/server';
import { launchBrowser, signInToConsole, visible } from './browser';

/**
 * The console shows why routing chose the agent, and a waiting conversation's Claim button. The
 * admin is online with room for one chat (presence is the presence module's job: set here in the
 * database, which routing reads); visitors are plain sockets.
 */
let database: TestDatabase;
let db: Db;
let process: ServerProcess;
let server: ServerEndpoint;
let browser: Browser;
let agent: Page;
const visitors: VisitorSocket[] = [];

async function visitorSays(body: string): Promise<void> {
  const page = server.url.replace('127.0.0.1', 'localhost');
  const { token } = await createVisitor(server, page);
  const socket = await connected(visitorSocket(server, { token }, page));
  visitors.push(socket);
  await requestOk(socket, 'message:send', { clientId: crypto.randomUUID(), body });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  process = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  server = await endpointOf(process, database);
  db = await createDb(database.url, { poolSize: 1 });
  await db
    .updateTable('agents')
    .set({ presence: 'online', max_chats: 1, name: 'Ana' })
    .where('email', '=', ADMIN.email)
    .execute();
  browser = await launchBrowser();
  agent = await browser.newPage();
  await signInToConsole(agent, server.url, ADMIN);
  await visible(agent.getByRole('tab', { name: /open/i }));
});

afterAll(async () => {
  visitors.forEach((v) => v.close());
  await browser?.close();
  await db?.destroy();
  process?.child.kill('SIGTERM');
  await process?.exited;
  await database?.drop();
});

describe('routing in the console', () => {
  it('shows why this agent got the chat, and lets them claim one that waits', async () => {
    await visitorSays('Do you ship to Lisbon?');
    await (await visible(agent.getByText('Do you ship to Lisbon?').first())).click();
    await visible(agent.getByText('Assigned to Ana by round-robin; loads: Ana 0/1'));

    // Ana is full now: the next one waits, and she may take it by hand.
    await visitorSays('Is anyone there?');
    await (await visible(agent.getByText('Is anyone there?').first())).click();
    await (await visible(agent.getByRole('button', { name: 'Claim' }))).click();
    await visible(agent.getByText('Ana claimed this conversation'));
    expect(await agent.getByRole('button', { name: 'Claim' }).count()).toBe(0);
  });
});
