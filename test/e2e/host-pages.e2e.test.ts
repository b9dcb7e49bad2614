import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
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
 * The widget on customers' pages that do what real shops do: a login form with `autofocus`, CSS
 * `zoom` on the whole page, the embed snippet pasted into <head> without `async`.
 */
let database: TestDatabase;
let parley: ServerProcess;
let shop: http.Server;
let shopUrl: string;
let browser: Browser;
let context: BrowserContext;

/** The shop's pages by path, with the embed script tag for `SNIPPET` (`_SYNC`: without async). */
const PAGES: Record<string, string> = {
  '/login': `<!doctype html><html><head><title>Sign in</title></head><body>
    <h1>Sign in</h1>
    <label>Password <input type="password" autofocus></label>
    SNIPPET</body></html>`,
  '/zoomed': `<!doctype html><html><head><title>Zoomed</title>
    <style>html { zoom: 2 }</style></head><body><h1>Big text</h1>SNIPPET</body></html>`,
  '/head-snippet': `<!doctype html><html><head><title>Head</title>
    SNIPPET_SYNC SNIPPET_SYNC</head><body><h1>Snippet in head</h1><p>The rest of the page.</p></body></html>`,
};

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  const { widgetKey } = await endpointOf(parley, database);
  const snippet = `<script src="${parley.url}/widget.js" data-site="${widgetKey}"`;
  shop = http.createServer((req, res) => {
    const page = PAGES[req.url ?? ''];
    res.statusCode = page ? 200 : 404;
    res.setHeader('content-type', 'text/html');
    res.end(
      (page ?? 'Not found')
        .replaceAll('SNIPPET_SYNC', `${snippet}></script>`)
        .replace('SNIPPET', `${snippet} async></script>`),
    );
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  await allowEmbedOrigins(database, [shopUrl]);
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

async function openPage(pathname: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${shopUrl}${pathname}`);
  return page;
}

const chatOf = (page: Page): FrameLocator => page.frameLocator('iframe[title*="chat" i]');

describe('the widget on customers’ pages', () => {
  it('takes the keyboard only when the visitor opens the chat, not when it reopens itself', async () => {
    const page = await openPage('/login');
    const password = page.getByLabel('Password');
    await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
    const chat = chatOf(page);
    const message = await visible(chat.getByRole('textbox', { name: 'Message' }));
    // Opened by the visitor: what they type goes into the chat.
    await expect.poll(() => message.evaluate((box) => box === document.activeElement)).toBe(true);
    await page.keyboard.type('Where is my parcel?');
    await page.keyboard.press('Enter');
    await visible(chat.getByText('Sent'));

    // A reload (or the next page) reopens the chat as it was left, and the login form autofocuses.
    await page.reload();
    await visible(chatOf(page).getByText('Where is my parcel?'));
    await page.keyboard.type('hunter2');
    expect(await password.inputValue()).toBe('hunter2');
    expect(await chatOf(page).getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
  });

  it('leaves the keyboard on the page when the visitor went back to it before the chat loaded', async () => {
    const page = await openPage('/login');
    let letFrameLoad: () => void = () => undefined;
    const frameHeld = new Promise<void>((resolve) => (letFrameLoad = resolve));
    await page.route('**/widget/frame?*', async (route) => {
      await frameHeld;
      await route.continue();
    });
    const connecting = page.waitForEvent('websocket');

    await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
    const password = page.getByLabel('Password');
    await password.click();
    letFrameLoad();
    // The frame connects after it was told whether to take focus.
    await connecting;
    await page.keyboard.type('hunter2');
    expect(await password.inputValue()).toBe('hunter2');
  });

  it.each([
    { width: 1280, height: 800 },
    { width: 900, height: 600 },
    { width: 360, height: 740 },
  ])('fits the open chat into a %o viewport on a page with html { zoom: 2 }', async (viewport) => {
    const page = await openPage('/zoomed', viewport);
    await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
    const chat = chatOf(page);
    const panel = await page.locator('iframe[title*="chat" i]').boundingBox();
    expect(panel).not.toBeNull();
    expect(panel!.x).toBeGreaterThanOrEqual(0);
    expect(panel!.y).toBeGreaterThanOrEqual(0);
    expect(panel!.x + panel!.width).toBeLessThanOrEqual(viewport.width);
    expect(panel!.y + panel!.height).toBeLessThanOrEqual(viewport.height);
    // Playwright maps positions inside a zoomed frame wrongly, so these are checked in the frame.
    for (const part of [
      chat.getByRole('heading', { name: 'Chat with us' }),
      chat.getByRole('button', { name: 'Close chat' }),
      chat.getByRole('textbox', { name: 'Message' }),
    ]) {
      const inside = await (
        await visible(part)
      ).evaluate((element) => {
        const { left, top, right, bottom } = element.getBoundingClientRect();
        return left >= 0 && top >= 0 && right <= innerWidth && bottom <= innerHeight;
      });
      expect(inside).toBe(true);
    }
  });

  it('ends up last in <body>, once, when the snippet is in <head> without async', async () => {
    // The snippet is there twice, as when a tag manager adds it again.
    const page = await openPage('/head-snippet');
    await visible(page.getByRole('button', { name: /open chat/i }));
    expect(await page.locator('parley-widget').count()).toBe(1);
    expect(await page.evaluate(() => document.body.lastElementChild?.localName)).toBe(
      'parley-widget',
    );
  });

  it('stays on the page when a single-page app swaps <body>', async () => {
    const page = await openPage('/head-snippet');
    await visible(page.getByRole('button', { name: /open chat/i }));
    await page.evaluate(() => {
      const next = document.createElement('body');
      next.innerHTML = '<h1>Next page</h1>';
      document.body.replaceWith(next);
    });
    await visible(page.getByText('Next page'));
    await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
    await visible(chatOf(page).getByRole('textbox', { name: 'Message' }));
    expect(await page.evaluate(() => document.body.lastElementChild?.localName)).toBe(
      'parley-widget',
    );
  });
});
