import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchBrowser, visible } from './browser';

let database: TestDatabase;
let port: number;
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase();
  port = await freePort();
  server = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGKILL');
  await server?.exited;
  await database?.drop();
});

async function openWidget(page: Page): Promise<FrameLocator> {
  await page.goto(`${server.url}/demo`);
  await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
  const frame = page.frameLocator('iframe[title*="chat" i]');
  await visible(frame.getByRole('textbox', { name: 'Message' }));
  return frame;
}

async function send(frame: FrameLocator, text: string): Promise<void> {
  await frame.getByRole('textbox', { name: 'Message' }).fill(text);
  await frame.getByRole('textbox', { name: 'Message' }).press('Enter');
}

describe('the widget under real conditions', () => {
  it('keeps messages written during an outage and sends them when the server is back', async () => {
    const page = await browser.newPage();
    const frame = await openWidget(page);
    await send(frame, 'before the outage');
    await visible(frame.getByText('Sent'));

    server.child.kill('SIGKILL');
    await server.exited;
    await visible(frame.getByText('Reconnecting…'));
    await send(frame, 'written while offline');
    await visible(frame.getByText('Sending…'));

    server = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
    await frame.getByText('Reconnecting…').waitFor({ state: 'hidden', timeout: 30_000 });
    await frame.getByText('Sending…').waitFor({ state: 'hidden', timeout: 10_000 });

    // A fresh page load shows both messages, once each, from the server's history.
    await page.reload();
    const reloaded = page.frameLocator('iframe[title*="chat" i]');
    if (await page.getByRole('button', { name: /open chat/i }).isVisible()) {
      await page.getByRole('button', { name: /open chat/i }).click();
    }
    await visible(reloaded.getByText('written while offline'));
    expect(await reloaded.getByText('before the outage', { exact: true }).count()).toBe(1);
    expect(await reloaded.getByText('written while offline', { exact: true }).count()).toBe(1);
    await page.close();
  });

  it('breaks a line with Shift+Enter and sends with Enter', async () => {
    const page = await browser.newPage();
    const frame = await openWidget(page);
    const box = frame.getByRole('textbox', { name: 'Message' });
    await box.fill('first line');
    await box.press('Shift+Enter');
    await box.pressSequentially('second line');
    expect(await box.inputValue()).toBe('first line\nsecond line');
    await box.press('Enter');
    expect(await box.inputValue()).toBe('');
    await visible(frame.getByText(/first line\s+second line/));
    await page.close();
  });

  it('fits a 360 px wide phone screen', async () => {
    const context = await browser.newContext({
      viewport: { width: 360, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    const frame = await openWidget(page);
    const box = await frame.getByRole('textbox', { name: 'Message' }).boundingBox();
    const sendButton = await frame.getByRole('button', { name: 'Send' }).boundingBox();
    expect(box && sendButton).toBeTruthy();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(sendButton!.x + sendButton!.width).toBeLessThanOrEqual(360);
    await send(frame, 'hello from a phone');
    await visible(frame.getByText('hello from a phone'));
    await context.close();
  });
});
