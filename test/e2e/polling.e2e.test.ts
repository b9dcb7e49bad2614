import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { launchBrowser, visible } from './browser';
import { startProxy, type FaultyProxy } from './proxy';

/**
 * Behind a proxy that refuses WebSocket upgrades (common in offices), the widget and the console
 * fall back to HTTP long-polling — whose first request is a same-origin GET without an Origin —
 * and a visitor and an agent still chat both ways. Reached over plain HTTP by a host name that is
 * not localhost, as from another machine: no secure context, so Chromium sends no Sec-Fetch-*
 * headers either, and the clients' own header is what shows the request comes from our pages.
 */
const HOST = 'parley.test';

let database: TestDatabase;
let server: ServerProcess;
let proxy: FaultyProxy;
let url: string;
let browser: Browser;
let visitorContext: BrowserContext;
let agentContext: BrowserContext;
let visitorPage: Page;
let agentPage: Page;
const transports = new Set<string>();

beforeAll(async () => {
  const port = await freePort();
  proxy = await startProxy(port, { refuseUpgrades: true });
  // Browsers reach Parley only through the proxy, by a host name, so that is its public address.
  url = proxy.url.replace('127.0.0.1', HOST);
  database = await createTestDatabase();
  server = await spawnServer(database, port, { publicUrl: url });
  browser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  visitorContext = await browser.newContext();
  agentContext = await browser.newContext();
  for (const context of [visitorContext, agentContext]) {
    context.on('request', (request) => {
      const transport = /[?&]transport=(\w+)/.exec(request.url())?.[1];
      if (transport) transports.add(transport);
    });
  }
  visitorPage = await visitorContext.newPage();
  agentPage = await agentContext.newPage();
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

function chatFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe[title*="chat" i]');
}

describe('chat over long-polling, behind a proxy that refuses WebSockets', () => {
  it('the visitor writes from the widget, and the agent reads it live', async () => {
    await visitorPage.goto(`${url}/demo`);
    await (await visible(visitorPage.getByRole('button', { name: /open chat/i }))).click();
    const box = await visible(chatFrame(visitorPage).getByRole('textbox', { name: 'Message' }));
    await box.fill('Hello from behind the office proxy');
    await box.press('Enter');
    await visible(chatFrame(visitorPage).getByText('Sent'));

    await agentPage.goto(`${url}/console`);
    await (await visible(agentPage.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
    await agentPage.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
    await agentPage.getByRole('button', { name: 'Sign in' }).click();
    await (
      await visible(agentPage.getByText('Hello from behind the office proxy').first())
    ).click();

    await chatFrame(visitorPage).getByRole('textbox', { name: 'Message' }).fill('Still there?');
    await chatFrame(visitorPage).getByRole('textbox', { name: 'Message' }).press('Enter');
    await visible(agentPage.getByText('Still there?').first());
  });

  it('the agent answers, and the visitor reads it live', async () => {
    await (
      await visible(agentPage.getByRole('textbox', { name: 'Reply' }))
    ).fill('Yes, over polling!');
    await agentPage.getByRole('button', { name: 'Send' }).click();

    await visible(chatFrame(visitorPage).getByText('Yes, over polling!'));
    // Both fell back: their realtime traffic went over long-polling.
    expect([...transports]).toContain('polling');
  });
});
