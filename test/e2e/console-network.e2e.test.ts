import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  collect,
  connected,
  createVisitor,
  requestOk,
  visitorSocket,
  type VisitorSocket,
} from '../helpers/clients';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { ADMIN, type ServerEndpoint } from '../helpers/server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import type { Message } from '../../src/protocol/schemas';
import { launchBrowser, visible } from './browser';
import { startProxy, type FaultyProxy } from './proxy';

/**
 * The console on a bad network and across a server restart. The agent's browser reaches Parley
 * through the fault proxy (on localhost, where socket.io does not watch `offline` itself); the
 * visitor is a plain socket.io client that connects directly, so faults hit the agent only.
 */
let database: TestDatabase;
let port: number;
let parley: ServerProcess;
let server: ServerEndpoint;
let proxy: FaultyProxy;
let browser: Browser;
let context: BrowserContext;
let agent: Page;
let visitor: VisitorSocket;

const consoleOrigin = (): string => proxy.url.replace('127.0.0.1', 'localhost');
const startParley = () => spawnServer(database, port, { publicUrl: proxy.url });

let visitorToken: string;

/** The visitor's socket; the same visitor again after the first call (across a restart). */
async function connectVisitor(): Promise<VisitorSocket> {
  visitorToken ??= (await createVisitor(server, proxy.url)).token;
  return connected(visitorSocket(server, { token: visitorToken }, proxy.url));
}

beforeAll(async () => {
  database = await createTestDatabase();
  port = await freePort();
  proxy = await startProxy(port);
  parley = await startParley();
  server = await endpointOf(parley, database);
  visitor = await connectVisitor();
  await requestOk(visitor, 'message:send', { clientId: crypto.randomUUID(), body: 'Hello?' });

  browser = await launchBrowser();
  context = await browser.newContext();
  agent = await context.newPage();
  await agent.goto(`${consoleOrigin()}/console`);
  await (await visible(agent.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
  await agent.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await (await visible(agent.getByText('Hello?').first())).click();
  await visible(agent.getByRole('textbox', { name: 'Reply' }));
});

afterEach(async () => {
  await context.setOffline(false);
  proxy.setDelay(0);
});

afterAll(async () => {
  visitor?.close();
  await browser?.close();
  await proxy?.close();
  parley?.child.kill('SIGTERM');
  await parley?.exited;
  await database?.drop();
});

const offlineBanner = () => agent.getByText(/Connection lost/);
const replyBox = () => agent.getByRole('textbox', { name: 'Reply' });

/** The composer empties its box once the reply is in the outbox, which sends it from there. */
async function replySent(): Promise<void> {
  await expect.poll(() => replyBox().inputValue(), { timeout: 10_000 }).toBe('');
}
const thread = () => agent.getByRole('log', { name: 'Messages' });

async function reply(text: string): Promise<void> {
  await replyBox().fill(text);
  await agent.getByRole('button', { name: 'Send' }).click();
}

describe('the console on a bad network', () => {
  it('says the connection is lost as soon as the browser goes offline, and recovers online', async () => {
    await context.setOffline(true);
    await visible(offlineBanner());
    await context.setOffline(false);
    await offlineBanner().waitFor({ state: 'hidden' });
  });

  it('sends a reply refused while the server restarted once it is back, and only once', async () => {
    const received = collect<Message>(visitor, 'message:new');
    parley.child.kill('SIGKILL');
    await parley.exited;
    await visible(offlineBanner());

    await reply('Sorry, one moment please.');
    await visible(agent.getByText(/Not sent/));

    parley = await startParley();
    await offlineBanner().waitFor({ state: 'hidden', timeout: 30_000 });
    await agent.getByText(/Not sent/).waitFor({ state: 'hidden' });
    await replySent();
    await visible(thread().getByText('Sorry, one moment please.'));

    // The visitor's socket went down with the server; its history tells what was stored.
    visitor.close();
    visitor = await connectVisitor();
    const history = await requestOk<{ messages: Message[] }>(visitor, 'conversation:sync', {
      afterSeq: 0,
    });
    const bodies = [...history.messages, ...received].map((message) => message.body);
    expect(bodies.filter((body) => body === 'Sorry, one moment please.')).toHaveLength(1);
    expect(await thread().getByText('Sorry, one moment please.').count()).toBe(1);
  });

  it('queues replies written offline, shows them waiting, and sends them in order once online', async () => {
    const received = collect<Message>(visitor, 'message:new');
    await context.setOffline(true);
    await visible(offlineBanner());
    await reply('Checking your order now.');
    // The box is free for the next reply at once, as in the widget.
    await replySent();
    await reply('Found it.');
    const waiting = agent.getByRole('list', { name: 'Replies not sent yet' });
    await visible(waiting.getByText('Found it.'));
    expect(await waiting.getByRole('listitem').allInnerTexts()).toEqual([
      expect.stringContaining('Checking your order now.'),
      expect.stringContaining('Found it.'),
    ]);
    await visible(agent.getByText(/Not sent yet: you are offline/));

    await context.setOffline(false);
    await waiting.waitFor({ state: 'hidden', timeout: 20_000 });
    await visible(thread().getByText('Found it.'));
    await expect
      .poll(() => received.map((message) => message.body))
      .toEqual(['Checking your order now.', 'Found it.']);
  });

  it('resends a reply whose ack the network lost with the same client id, so it lands once', async () => {
    const received = collect<Message>(visitor, 'message:new');
    proxy.setDelay(1500);
    await reply('Your parcel left this morning.');
    // Stored and pushed to the visitor: cut the agent's connection before its ack arrives.
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    proxy.cut();
    proxy.setDelay(0);

    await agent.getByText(/Not sent/).waitFor({ state: 'hidden', timeout: 20_000 });
    await replySent();
    await visible(thread().getByText('Your parcel left this morning.'));
    expect(await thread().getByText('Your parcel left this morning.').count()).toBe(1);
    // The resend is pushed again (whoever missed the first push hears it); the same message,
    // with the same seq, which the widget drops as a repeat.
    expect(new Set(received.map((message) => `${message.seq} ${message.body}`))).toEqual(
      new Set([`${received[0]?.seq} Your parcel left this morning.`]),
    );
  });
});
