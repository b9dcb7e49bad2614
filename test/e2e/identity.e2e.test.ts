import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import {
  allowEmbedOrigins,
  endpointOf,
  freePort,
  spawnServer,
  type ServerProcess,
} from '../helpers/process';
import { chatFrame, launchBrowser, visible } from './browser';

/**
 * Who the visitor is across releases and devices, on a shop page of its own origin (so the page's
 * storage, where the loader keeps the identity, is not the chat frame's).
 */
let database: TestDatabase;
let parley: ServerProcess;
let shop: http.Server;
let shopUrl: string;
let widgetKey: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

interface StoredIdentity {
  visitorId: string;
  token: string;
  fresh?: boolean;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  widgetKey = (await endpointOf(parley, database)).widgetKey;
  const snippet = `<script src="${parley.url}/widget.js" data-site="${widgetKey}" async></script>`;
  shop = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>${snippet}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  await allowEmbedOrigins(database, [shopUrl]);
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

afterAll(async () => {
  await browser?.close();
  shop?.close();
  parley?.child.kill('SIGTERM');
  await parley?.exited;
  await database?.drop();
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  contexts.push(context);
  return context;
}

const storageKey = (): string => `parley:visitor:${widgetKey}`;

/** The identity the loader keeps in the shop page's own storage. */
async function loaderIdentity(page: Page): Promise<StoredIdentity | null> {
  const stored = await page.evaluate((key) => localStorage.getItem(key), storageKey());
  return stored ? (JSON.parse(stored) as StoredIdentity) : null;
}

async function openChat(page: Page) {
  await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
  const chat = chatFrame(page);
  await visible(chat.getByRole('textbox', { name: 'Message' }));
  return chat;
}

describe('the visitor identity', () => {
  it('keeps the conversation of a visitor from before the loader kept identities', async () => {
    // Before this release the frame alone kept the identity, in its own storage.
    const before = await (await newContext()).newPage();
    await before.goto(shopUrl);
    const oldChat = await openChat(before);
    const box = oldChat.getByRole('textbox', { name: 'Message' });
    await box.fill('asked before the upgrade');
    await box.press('Enter');
    await visible(oldChat.getByText('Sent'));
    const frame = before.frames().find((f) => f.url().includes('/widget/frame'));
    const old = JSON.parse(
      (await frame!.evaluate((key) => localStorage.getItem(key), storageKey()))!,
    ) as StoredIdentity;

    // The same visitor after the upgrade: the frame's storage has it, the page's has nothing.
    const context = await newContext();
    await context.addInitScript(
      ({ origin, key, identity }) => {
        if (location.origin === origin && !localStorage.getItem(key)) {
          localStorage.setItem(key, identity);
        }
      },
      { origin: parley.url, key: storageKey(), identity: JSON.stringify(old) },
    );
    const page = await context.newPage();
    await page.goto(shopUrl);
    // The loader made a new visitor at once (it tracks the page view) before the chat opened.
    await expect.poll(() => loaderIdentity(page)).toMatchObject({ fresh: true });
    expect((await loaderIdentity(page))?.visitorId).not.toBe(old.visitorId);

    const chat = await openChat(page);
    await visible(chat.getByText('asked before the upgrade'));
    // The frame handed its identity back: the page tracks and chats as that visitor from now on.
    await expect
      .poll(() => loaderIdentity(page))
      .toEqual({ visitorId: old.visitorId, token: old.token });
    // The next page view (the chat opens again by itself) is that visitor too.
    await page.reload();
    await visible(chatFrame(page).getByText('asked before the upgrade'));
  });
});
