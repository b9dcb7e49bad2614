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
import { tempDataDir } from '../helpers/server';
import { launchBrowser, visible } from './browser';

/** The widget on customers' pages that do what real shops do: a login form with `autofocus`. */
let parley: ServerProcess;
let shop: http.Server;
let shopUrl: string;
let browser: Browser;
let context: BrowserContext;

/** The shop's pages by path; `SNIPPET` is replaced by the embed script tag. */
const PAGES: Record<string, string> = {
  '/login': `<!doctype html><html><head><title>Sign in</title></head><body>
    <h1>Sign in</h1>
    <label>Password <input type="password" autofocus></label>
    SNIPPET</body></html>`,
};

beforeAll(async () => {
  const dataDir = tempDataDir();
  const port = await freePort();
  parley = await spawnServer(dataDir, port, { publicUrl: `http://127.0.0.1:${port}` });
  const { widgetKey } = endpointOf(parley, dataDir);
  const snippet = `<script src="${parley.url}/widget.js" data-site="${widgetKey}"`;
  shop = http.createServer((req, res) => {
    const page = PAGES[req.url ?? ''];
    res.statusCode = page ? 200 : 404;
    res.setHeader('content-type', 'text/html');
    res.end((page ?? 'Not found').replace('SNIPPET', `${snippet} async></script>`));
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  allowEmbedOrigins(dataDir, [shopUrl]);
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
});

async function openPage(pathname: string): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
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
});
