import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  connected,
  createVisitor,
  requestOk,
  visitorSocket,
  type VisitorSocket,
} from '../helpers/clients';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { ADMIN, tempDataDir, type ServerEndpoint } from '../helpers/server';
import { launchBrowser, visible } from './browser';
import { startProxy, type FaultyProxy } from './proxy';

/**
 * The console on a bad network and across a server restart. The agent's browser reaches Parley
 * through the fault proxy (on localhost, where socket.io does not watch `offline` itself); the
 * visitor is a plain socket.io client that connects directly, so faults hit the agent only.
 */
let dataDir: string;
let port: number;
let parley: ServerProcess;
let server: ServerEndpoint;
let proxy: FaultyProxy;
let browser: Browser;
let context: BrowserContext;
let agent: Page;
let visitor: VisitorSocket;

const consoleOrigin = (): string => proxy.url.replace('127.0.0.1', 'localhost');
const startParley = () => spawnServer(dataDir, port, { publicUrl: proxy.url });

async function connectVisitor(): Promise<VisitorSocket> {
  const { token } = await createVisitor(server, proxy.url);
  return connected(visitorSocket(server, { token }, proxy.url));
}

beforeAll(async () => {
  dataDir = tempDataDir();
  port = await freePort();
  proxy = await startProxy(port);
  parley = await startParley();
  server = endpointOf(parley, dataDir);
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
});

const offlineBanner = () => agent.getByText(/Connection lost/);
describe('the console on a bad network', () => {
  it('says the connection is lost as soon as the browser goes offline, and recovers online', async () => {
    await context.setOffline(true);
    await visible(offlineBanner());
    await context.setOffline(false);
    await offlineBanner().waitFor({ state: 'hidden' });
  });
});
