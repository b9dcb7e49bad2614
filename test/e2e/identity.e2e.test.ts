import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDb } from '../../src/server/db/database';
import { api } from '../helpers/api';
import { login } from '../helpers/clients';
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
/** The site's identity secret, which only the shop's backend knows (made in the test). */
let identitySecret = '';

/** The README's stub: calls before the loader runs are queued, then replayed. */
const STUB = `!function(w){var p=w.Parley=w.Parley||{q:[]};['identify','open','close','setLanguage','track','consent','on'].forEach(function(m){p[m]=p[m]||function(){p.q.push([m,[].slice.call(arguments)])}})}(window);`;

/**
 * The shop's page. Signed in (`?user=ID`), its backend signs the user's id with the identity
 * secret, as the README shows; `&forged` stands for a page that does not know the secret.
 */
function shopPage(url: URL, snippet: string): string {
  const user = url.searchParams.get('user');
  const key = url.searchParams.has('forged') ? 'not-the-secret' : identitySecret;
  const hash = createHmac('sha256', key)
    .update(user ?? '')
    .digest('hex');
  const identify = user
    ? `<script>${STUB} Parley.identify(${JSON.stringify({ id: user, hash })});</script>`
    : '';
  return `<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>${identify}${snippet}</body></html>`;
}

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
  shop = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(shopPage(new URL(req.url ?? '/', 'http://shop'), snippet));
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

/** What the server knows of a visitor: whom it is verified as, and whom it only claims to be. */
async function identityOf(visitorId: string) {
  const db = await createDb(database.url, { poolSize: 1 });
  try {
    return await db
      .selectFrom('visitors')
      .select(['external_id', 'claimed_id'])
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow();
  } finally {
    await db.destroy();
  }
}

/** A page of the shop in a browser of its own, once `settled(visitorId)` holds for its loader. */
async function device(
  query: string,
  settled: (visitorId: string) => Promise<boolean>,
): Promise<{ page: Page; visitorId: string }> {
  const page = await (await newContext()).newPage();
  await page.goto(`${shopUrl}/?${query}`);
  let visitorId = '';
  await expect
    .poll(async () => {
      visitorId = (await loaderIdentity(page))?.visitorId ?? '';
      return visitorId !== '' && (await settled(visitorId));
    })
    .toBe(true);
  return { page, visitorId };
}

async function send(page: Page, text: string): Promise<void> {
  const chat = await openChat(page);
  const box = chat.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await visible(chat.getByText(text));
  await chat.getByText('Sending…').waitFor({ state: 'hidden' });
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

  it('shows a verified user the same conversation on every device, and a forged hash none', async () => {
    const admin = await login({ url: parley.url, widgetKey });
    const endpoint = { url: parley.url, widgetKey };
    const { sites } = (
      await api<{ sites: { id: string }[] }>(endpoint, admin, 'GET', '/api/v1/sites')
    ).body;
    const made = await api<{ secret: string }>(
      endpoint,
      admin,
      'POST',
      `/api/v1/sites/${sites[0]!.id}/identity/secret`,
    );
    expect(made.status).toBe(201);
    identitySecret = made.body.secret;

    const laptop = await device(
      'user=u1',
      async (id) => (await identityOf(id)).external_id === 'u1',
    );
    await send(laptop.page, 'where is my order 1234?');

    // Another device of the same user: the server hands its loader the laptop's visitor.
    const phone = await device('user=u1', async (id) => id === laptop.visitorId);
    const chat = await openChat(phone.page);
    await visible(chat.getByText('where is my order 1234?'));

    // A page claiming u1 without the secret: an unverified visitor of its own, none of u1's chat.
    const forger = await device(
      'user=u1&forged',
      async (id) => (await identityOf(id)).claimed_id === 'u1',
    );
    expect(forger.visitorId).not.toBe(laptop.visitorId);
    expect(await identityOf(forger.visitorId)).toEqual({ external_id: null, claimed_id: 'u1' });
    await send(forger.page, 'show me u1 orders');
    expect(await chatFrame(forger.page).getByText('where is my order 1234?').count()).toBe(0);
  });
});
