import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDb } from '../../src/server/db/database';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import {
  allowEmbedOrigins,
  endpointOf,
  freePort,
  spawnServer,
  type ServerProcess,
} from '../helpers/process';
import { ADMIN } from '../helpers/server';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

/**
 * `window.Parley` on a shop's page: the README's stub queues calls made before the loader runs,
 * the loader replays them, and the same calls work afterwards; Settings → Sites makes the secret
 * the shop's backend signs user ids with.
 */
let database: TestDatabase;
let parley: ServerProcess;
let shop: http.Server;
let shopUrl: string;
let widgetKey: string;
let browser: Browser;
let context: BrowserContext;
const SECRET = 'e2e-identity-secret';

/** The README's stub, then calls before the loader: what a shop pastes. */
const STUB = `!function(w){var p=w.Parley=w.Parley||{q:[]};['identify','open','close','setLanguage','track','consent','on'].forEach(function(m){p[m]=p[m]||function(){p.q.push([m,[].slice.call(arguments)])}})}(window);`;

function shopPage(hash: string, snippet: string): string {
  return `<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
    <script>${STUB}
      window.heard = [];
      Parley.on('open', function () { heard.push('open'); });
      Parley.on('close', function () { heard.push('close'); });
      Parley.on('message', function (m) { heard.push(m.author + ': ' + m.body); });
      Parley.setLanguage('de');
      Parley.identify({ id: 'customer-7', name: 'Ana', hash: '${hash}' });
      Parley.open();
    </script>
    ${snippet}</body></html>`;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  widgetKey = (await endpointOf(parley, database)).widgetKey;
  const snippet = `<script src="${parley.url}/widget.js" data-site="${widgetKey}" async></script>`;
  const hash = createHmac('sha256', SECRET).update('customer-7').digest('hex');
  shop = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(shopPage(hash, snippet));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  await allowEmbedOrigins(database, [shopUrl]);
  const db = await createDb(database.url, { poolSize: 1 });
  try {
    await db.updateTable('sites').set({ identity_secret: SECRET }).execute();
  } finally {
    await db.destroy();
  }
  browser = await launchBrowser();
});

afterEach(async () => {
  await context?.close();
});

afterAll(async () => {
  await browser?.close();
  shop?.close();
  parley?.child.kill('SIGTERM');
  await parley?.exited;
  await database?.drop();
});

async function newPage(): Promise<Page> {
  context = await browser.newContext();
  return context.newPage();
}

const heard = (page: Page) => page.evaluate(() => (window as unknown as { heard: string[] }).heard);

async function externalIdOf(visitorId: string): Promise<string | null> {
  const db = await createDb(database.url, { poolSize: 1 });
  try {
    const row = await db
      .selectFrom('visitors')
      .select('external_id')
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow();
    return row.external_id;
  } finally {
    await db.destroy();
  }
}

describe('window.Parley on the host page', () => {
  it('replays calls made before the loader, and takes the same calls after it', async () => {
    const page = await newPage();
    await page.goto(shopUrl);
    // Queued open(): the chat shows without a click, and the page heard it.
    const chat = chatFrame(page);
    // Queued setLanguage('de'): the chat frame is asked for in German.
    const message = await visible(chat.locator('textarea.input'));
    expect(
      await page.locator('parley-widget').evaluate((host) => {
        return host.shadowRoot!.querySelector('iframe')!.src;
      }),
    ).toContain('lang=de');
    await expect.poll(() => heard(page)).toContain('open');
    // Queued identify() with the right hash: the loader's visitor is now the verified customer.
    await expect
      .poll(() => page.evaluate((key) => localStorage.getItem(`parley:visitor:${key}`), widgetKey))
      .not.toBeNull();
    const identity = JSON.parse(
      (await page.evaluate((key) => localStorage.getItem(`parley:visitor:${key}`), widgetKey))!,
    ) as { visitorId: string };
    await expect.poll(() => externalIdOf(identity.visitorId)).toBe('customer-7');

    // A message in the chat reaches the page's listener.
    await message.fill('Hello from the shop');
    await message.press('Enter');
    await expect.poll(() => heard(page)).toContain('visitor: Hello from the shop');

    // After load: the API is the real one, and calls act at once.
    const result = await page.evaluate(() =>
      (
        window as unknown as {
          Parley: { identify(o: object): Promise<unknown> };
        }
      ).Parley.identify({ id: 'customer-7', hash: 'not-the-hash' }),
    );
    expect(result).toEqual({ verified: false });
    await page.evaluate(() => (window as unknown as { Parley: { close(): void } }).Parley.close());
    await expect.poll(() => heard(page)).toContain('close');
    await expect
      .poll(() =>
        page.locator('parley-widget').evaluate((host) => {
          const frame = host.shadowRoot!.querySelector('iframe');
          return frame ? getComputedStyle(frame).visibility : 'hidden';
        }),
      )
      .toBe('hidden');
    await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open());
    await expect
      .poll(() => heard(page))
      .toEqual(['open', 'visitor: Hello from the shop', 'close', 'open']);
  });

  it('Settings → Sites makes an identity secret, shows it once, and rotates it', async () => {
    const page = await newPage();
    await signInToConsole(page, parley.url, ADMIN);
    await visible(page.getByRole('link', { name: 'Settings' }));
    await page.goto(`${parley.url}/console/settings/sites`);
    // The secret the first test used was put in the store directly: no time of making is known.
    await (await visible(page.getByRole('button', { name: 'Create identity secret' }))).click();
    const field = await visible(page.getByRole('textbox', { name: 'Identity secret' }));
    const first = await field.inputValue();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    await page.getByRole('button', { name: 'Rotate identity secret' }).click();
    await expect.poll(() => field.inputValue()).not.toBe(first);
    await page.getByRole('checkbox', { name: 'Require verified identity' }).check();
    await visible(page.getByText('Verified identity is now required.'));
    // Shown once: after a reload only the button is there.
    await page.reload();
    await visible(page.getByRole('button', { name: 'Rotate identity secret' }));
    expect(await page.getByRole('textbox', { name: 'Identity secret' }).count()).toBe(0);
    await expect
      .poll(() => page.getByRole('checkbox', { name: 'Require verified identity' }).isChecked())
      .toBe(true);
  });
});
