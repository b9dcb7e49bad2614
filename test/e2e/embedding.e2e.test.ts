import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  allowEmbedOrigins,
  endpointOf,
  freePort,
  spawnServer,
  type ServerProcess,
} from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchBrowser, visible } from './browser';

/**
 * The realistic case: the customer's shop runs on another origin than Parley and embeds the
 * widget with one script tag. Two "shops" on their own ports: one allowed, one not.
 */
let database: TestDatabase;
let parley: ServerProcess;
let browser: Browser;
let allowedShop: http.Server;
let otherShop: http.Server;

function shopServer(scriptTag: string): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>${scriptTag}</body></html>`,
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (server: http.Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  const { widgetKey } = await endpointOf(parley, database);
  const tag = `<script src="${parley.url}/widget.js" data-site="${widgetKey}" async></script>`;
  allowedShop = await shopServer(tag);
  otherShop = await shopServer(tag);
  await allowEmbedOrigins(database, [urlOf(allowedShop)]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  allowedShop?.close();
  otherShop?.close();
  parley?.child.kill('SIGTERM');
  await parley?.exited;
  await database?.drop();
});

describe('the widget on a customer site of another origin', () => {
  it('chats from an allowed origin', async () => {
    const page = await browser.newPage();
    await page.goto(urlOf(allowedShop));
    await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
    const frame = page.frameLocator('iframe[title*="chat" i]');
    await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill('Hi from the shop');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent'));
    await page.close();
  });

  it('does not run on an origin the site does not allow', async () => {
    const page = await browser.newPage();
    // The frame's CSP frame-ancestors names only allowed origins, so the browser refuses to show it.
    const refused = page.waitForEvent('console', {
      predicate: (m) => m.text().includes('frame-ancestors'),
      timeout: 10_000,
    });
    await page.goto(urlOf(otherShop));
    await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
    await refused;
    const frame = page.frames().find((f) => f.url().includes('/widget/frame'));
    const textboxes = frame ? await frame.getByRole('textbox', { name: 'Message' }).count() : 0;
    expect(textboxes).toBe(0);
    await page.close();
  });
});
