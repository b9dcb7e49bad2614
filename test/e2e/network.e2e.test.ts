import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Frame, FrameLocator, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchBrowser, visible } from './browser';
import { startProxy, type FaultyProxy } from './proxy';

/**
 * The widget on a bad network: every byte between Chromium and Parley goes through the fault
 * proxy, which is also Parley's public URL (so the demo page, the frame and the socket all use it).
 */
let database: TestDatabase;
let server: ServerProcess;
let proxy: FaultyProxy;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  const port = await freePort();
  proxy = await startProxy(port);
  database = await createTestDatabase();
  server = await spawnServer(database, port, { publicUrl: proxy.url });
  browser = await launchBrowser();
});

afterEach(async () => {
  proxy.setDelay(0);
  await context?.close();
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

interface Widget {
  page: Page;
  chat: FrameLocator;
  /** The frame's own JavaScript context, to look at what it shows over time. */
  frame: Frame;
}

/** A new visitor (own browser context) with the chat open on the demo page at `origin`. */
async function openWidget(origin = proxy.url): Promise<Widget> {
  context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/demo`);
  await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
  const chat = page.frameLocator('iframe[title*="chat" i]');
  await visible(chat.getByRole('textbox', { name: 'Message' }));
  const frame = page.frames().find((f) => f.url().includes('/widget/frame'));
  if (!frame) throw new Error('no chat frame');
  return { page, chat, frame };
}

async function send(chat: FrameLocator, text: string): Promise<void> {
  const box = chat.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

async function allSent(chat: FrameLocator): Promise<void> {
  await chat.getByText('Sending…').first().waitFor({ state: 'hidden', timeout: 20_000 });
}

describe('the widget on a slow network', () => {
  it('shows messages typed in a burst in the order typed while they are being sent', async () => {
    const { chat, frame } = await openWidget();
    await send(chat, 'first, to open the conversation');
    await visible(chat.getByText('Sent'));

    // Every state the message list passes through, as the visitor's own numbered messages show.
    await frame.evaluate(() => {
      const log = document.querySelector('[role="log"]');
      const seen: string[][] = [];
      const record = (): void => {
        const bodies = [...(log?.querySelectorAll('.bubble') ?? [])].map((b) => b.textContent);
        seen.push(bodies.filter((body): body is string => /^burst \d+$/.test(body ?? '')));
      };
      new MutationObserver(record).observe(log as Node, {
        childList: true,
        subtree: true,
        characterData: true,
      });
      Object.assign(window, { seenOrders: seen });
    });
    proxy.setDelay(150);
    const burst = ['burst 1', 'burst 2', 'burst 3', 'burst 4', 'burst 5'];
    for (const text of burst) await send(chat, text);
    await allSent(chat);

    const seen = await frame.evaluate(
      () => (window as unknown as { seenOrders: string[][] }).seenOrders,
    );
    const outOfOrder = seen.filter((order) => order.join() !== burst.slice(0, order.length).join());
    expect(outOfOrder).toEqual([]);
    expect(seen.at(-1)).toEqual(burst);
  });

  it('carries on as a new visitor when site storage is cleared without a reload', async () => {
    const { chat, frame } = await openWidget();
    await send(chat, 'before the clearing');
    await visible(chat.getByText('Sent'));

    await context.setOffline(true);
    await visible(chat.getByText('Reconnecting…'));
    await send(chat, 'typed while offline');
    await visible(chat.getByText('Sending…'));
    // The visitor clears the site's data in the browser settings; the page stays open.
    await frame.evaluate(() => localStorage.clear());
    await context.setOffline(false);

    await chat.getByText('Reconnecting…').waitFor({ state: 'hidden', timeout: 20_000 });
    await allSent(chat);
    await visible(chat.getByText('typed while offline'));
    await send(chat, 'after the clearing');
    await allSent(chat);
    expect(await chat.getByText('after the clearing').count()).toBe(1);
  });

  // On localhost, socket.io does not watch `offline` itself: a dropped network was noticed only
  // when its heartbeat timed out, some 45 s later.
  it('shows "Reconnecting…" as soon as the browser goes offline, and reconnects once online', async () => {
    const { chat } = await openWidget(proxy.url.replace('127.0.0.1', 'localhost'));
    await send(chat, 'before the network drops');
    await visible(chat.getByText('Sent'));

    await context.setOffline(true);
    await visible(chat.getByText('Reconnecting…'));
    await send(chat, 'written offline');
    await context.setOffline(false);

    await chat.getByText('Reconnecting…').waitFor({ state: 'hidden' });
    await allSent(chat);
    expect(await chat.getByText('written offline').count()).toBe(1);
  });
});
