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
import { ADMIN } from '../helpers/server';
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

  it('explains a refused origin in the shop page, lists it for the owner, and works after one click on Allow', async () => {
    const shop = await browser.newPage();
    const said: string[] = [];
    shop.on('console', (message) => said.push(message.text()));
    const explained = shop.waitForEvent('console', {
      predicate: (message) => message.text().startsWith('Parley:'),
      timeout: 10_000,
    });
    await shop.goto(urlOf(otherShop));
    expect((await explained).text()).toBe(
      `Parley: origin ${urlOf(otherShop)} is not allowed for this site — add it in Settings → Sites`,
    );
    // No launcher to click and no frame the browser would refuse to show.
    expect(await shop.getByRole('button', { name: /open chat/i }).count()).toBe(0);
    expect(await shop.locator('iframe').count()).toBe(0);

    const owner = await browser.newPage();
    await owner.goto(`${parley.url}/console`);
    await (await visible(owner.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
    await owner.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
    await owner.getByRole('button', { name: 'Sign in' }).click();
    await (await visible(owner.getByRole('link', { name: 'Settings' }))).click();
    await (await visible(owner.getByRole('link', { name: 'Sites' }))).click();
    const refused = owner.getByRole('listitem').filter({ hasText: urlOf(otherShop) });
    await (await visible(refused.getByRole('button', { name: 'Allow' }))).click();
    await visible(owner.getByRole('status').filter({ hasText: urlOf(otherShop) }));
    await expect
      .poll(() => owner.getByRole('textbox', { name: 'Allowed origins' }).inputValue())
      .toContain(urlOf(otherShop));
    expect(said.filter((text) => text.startsWith('Parley:'))).toHaveLength(1);

    await shop.reload();
    await (await visible(shop.getByRole('button', { name: /open chat/i }))).click();
    const frame = shop.frameLocator('iframe[title*="chat" i]');
    await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill('Allowed now');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent'));
    await owner.close();
    await shop.close();
  });

  it('says so when the embed code names no site', async () => {
    const unknown = await shopServer(
      `<script src="${parley.url}/widget.js" data-site="no-such-site" async></script>`,
    );
    try {
      const page = await browser.newPage();
      const explained = page.waitForEvent('console', {
        predicate: (message) => message.text().startsWith('Parley:'),
        timeout: 10_000,
      });
      await page.goto(urlOf(unknown));
      expect((await explained).text()).toBe(
        'Parley: there is no site with the key "no-such-site" — copy the embed code again from Settings → Sites',
      );
      expect(await page.getByRole('button', { name: /open chat/i }).count()).toBe(0);
      await page.close();
    } finally {
      unknown.close();
    }
  });
});
