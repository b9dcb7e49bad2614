import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/server/db/database';
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
 * Tracking from the loader on a shop's own pages, before the chat is ever opened: page views,
 * a single-page app's History API navigation, time on page, and consent mode.
 */
let database: TestDatabase;
let parley: ServerProcess;
let shop: http.Server;
let shopUrl: string;
let browser: Browser;
let context: BrowserContext;
let db: Db;

// Headless Chromium says so in its user agent, and bots are not tracked: a person's browser.
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

const PAGES: Record<string, string> = {
  '/': `<!doctype html><html><head><title>Shop home</title></head><body>
    <h1>Shop</h1><a href="/shoes?utm_source=mail">Shoes</a>SNIPPET</body></html>`,
  '/shoes': `<!doctype html><html><head><title>Shoes</title></head><body>
    <h1>Shoes</h1>
    <button onclick="history.pushState({}, '', '/shoes/red'); document.title = 'Red shoes'">Red</button>
    SNIPPET</body></html>`,
};

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  const { widgetKey } = await endpointOf(parley, database);
  const snippet = `<script src="${parley.url}/widget.js" data-site="${widgetKey}" async></script>`;
  shop = http.createServer((req, res) => {
    const page = PAGES[(req.url ?? '').split('?')[0]!];
    res.statusCode = page ? 200 : 404;
    res.setHeader('content-type', 'text/html');
    res.end((page ?? 'Not found').replace('SNIPPET', snippet));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  await allowEmbedOrigins(database, [shopUrl]);
  db = await createDb(database.url, { poolSize: 1 });
  browser = await launchBrowser();
});

afterEach(async () => {
  await context?.close();
  await db.updateTable('sites').set({ tracking_settings: null }).execute();
});

afterAll(async () => {
  await db?.destroy();
  await browser?.close();
  shop?.close();
  parley?.child.kill('SIGTERM');
  await parley?.exited;
  await database?.drop();
});

async function newPage(): Promise<Page> {
  context = await browser.newContext({ userAgent: USER_AGENT });
  const page = await context.newPage();
  await page.clock.install();
  return page;
}

const visitorIdOf = (page: Page): Promise<string | null> =>
  page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith('parley:visitor:'));
    return key ? (JSON.parse(localStorage.getItem(key)!) as { visitorId: string }).visitorId : null;
  });

const pagesOf = (visitorId: string) =>
  db
    .selectFrom('page_views')
    .select(['url', 'title', 'spa', 'seconds'])
    .where('visitor_id', '=', visitorId)
    .orderBy('viewed_at')
    .execute();

/** The tracking requests the page makes (beacons, or making a visitor), as it makes them. */
function requestsToParley(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (request) => {
    if (/\/api\/v1\/widget\/(track|visitors)/.test(request.url())) sent.push(request.url());
  });
  return sent;
}

/** Polls the store until `check` passes; the test's own timeout bounds it. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('tracking on the host page', () => {
  it('records page views, SPA navigation and time on page, and never loads the chat', async () => {
    const page = await newPage();
    await page.goto(`${shopUrl}/`);
    const visitorId = await until(
      () => visitorIdOf(page),
      (id) => id !== null,
    );
    await until(
      () => pagesOf(visitorId!),
      (rows) => rows.length === 1,
    );

    await page.getByRole('link', { name: 'Shoes' }).click();
    await until(
      () => pagesOf(visitorId!),
      (rows) => rows.length === 2,
    );
    await page.getByRole('button', { name: 'Red' }).click();
    await until(
      () => pagesOf(visitorId!),
      (rows) => rows.length === 3,
    );
    // Half a minute visible on the red shoes: the heartbeat reports it.
    await page.clock.runFor(31_000);
    const rows = await until(
      () => pagesOf(visitorId!),
      (found) => (found[2]?.seconds ?? 0) >= 30,
    );

    expect(rows.map(({ url, title, spa }) => ({ url, title, spa }))).toEqual([
      { url: `${shopUrl}/`, title: 'Shop home', spa: 0 },
      { url: `${shopUrl}/shoes?utm_source=mail`, title: 'Shoes', spa: 0 },
      { url: `${shopUrl}/shoes/red`, title: 'Red shoes', spa: 1 },
    ]);
    // The home page's time came when the visitor left it.
    const visits = await db
      .selectFrom('visits')
      .select(['page_count', 'current_url', 'landing_url'])
      .where('visitor_id', '=', visitorId!)
      .execute();
    expect(visits).toEqual([
      { page_count: 3, current_url: `${shopUrl}/shoes/red`, landing_url: `${shopUrl}/` },
    ]);
    const visitor = await db
      .selectFrom('visitors')
      .select(['browser', 'os', 'time_zone', 'visit_count'])
      .where('id', '=', visitorId!)
      .executeTakeFirstOrThrow();
    expect(visitor).toMatchObject({ browser: 'Chrome', os: 'Linux', visit_count: 1 });
    expect(visitor.time_zone).toEqual(expect.any(String));
    // Tracking does not pull the chat in: no frame until the visitor opens it.
    expect(
      await page
        .locator('parley-widget')
        .evaluate((el) => !!el.shadowRoot?.querySelector('iframe')),
    ).toBe(false);
  });

  it('records nothing before consent on a site that requires it, and tracks from consent on', async () => {
    await db
      .updateTable('sites')
      .set({ tracking_settings: JSON.stringify({ requireConsent: true }) })
      .execute();
    const before = await db.selectFrom('visitors').select('id').execute();
    const page = await newPage();
    const sent = requestsToParley(page);
    await page.goto(`${shopUrl}/shoes`);
    // The launcher shows once the embed check answered, when the tracker starts.
    await visible(page.getByRole('button', { name: /open chat/i }));
    await page.getByRole('button', { name: 'Red' }).click();
    await page.evaluate(() => window.Parley?.track?.('before_consent'));
    await page.clock.runFor(31_000);
    await page.evaluate(() => Promise.resolve());
    // Not even an identity: nothing was made, stored or sent.
    expect(sent).toEqual([]);
    expect(await visitorIdOf(page)).toBeNull();

    await page.evaluate(() => window.Parley?.consent?.(true));
    const visitorId = await until(
      () => visitorIdOf(page),
      (id) => id !== null,
    );
    const rows = await until(
      () => pagesOf(visitorId!),
      (found) => found.length === 1,
    );
    expect(rows[0]).toMatchObject({ url: `${shopUrl}/shoes/red`, spa: 0 });
    const after = await db.selectFrom('visitors').select('id').execute();
    expect(after.length).toBe(before.length + 1);
    expect(
      await db
        .selectFrom('visitor_events')
        .select('name')
        .where('visitor_id', '=', visitorId!)
        .execute(),
    ).toEqual([]);
  });

  it('sends nothing at all from a browser with Global Privacy Control, even after consent', async () => {
    const page = await newPage();
    const sent = requestsToParley(page);
    await page.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    );
    await page.goto(`${shopUrl}/shoes`);
    // The launcher shows once the embed check answered, when the tracker starts.
    await visible(page.getByRole('button', { name: /open chat/i }));
    await page.getByRole('button', { name: 'Red' }).click();
    await page.evaluate(() => {
      window.Parley?.consent?.(true);
      window.Parley?.track?.('with_gpc');
    });
    await page.clock.runFor(31_000);
    // Timers and a round trip through the page: anything queued would have been requested.
    await page.clock.runFor(1000);
    await page.evaluate(() => Promise.resolve());
    expect(sent).toEqual([]);
    expect(await visitorIdOf(page)).toBeNull();
  });

  it('opens the chat as the visitor the loader tracked: one identity for both', async () => {
    context = await browser.newContext({ userAgent: USER_AGENT });
    const page = await context.newPage();
    await page.goto(`${shopUrl}/`);
    const visitorId = await until(
      () => visitorIdOf(page),
      (id) => id !== null,
    );
    await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
    const frame = page.frameLocator('iframe[title*="chat" i]');
    await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill('Hello');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent'));
    const conversations = await db
      .selectFrom('conversations')
      .select('visitor_id')
      .where('visitor_id', '=', visitorId!)
      .execute();
    expect(conversations).toHaveLength(1);
    // The loader kept the same identity: the frame made no other.
    expect(await visitorIdOf(page)).toBe(visitorId);
  });
});
