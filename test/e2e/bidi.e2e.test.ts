import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { ADMIN } from '../helpers/server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchBrowser, visible } from './browser';

/**
 * Right-to-left text in an English widget and console: each message, reply box and preview takes
 * its direction from its own text, and direction controls in one message stay inside it.
 */
const ARABIC = 'مرحبا، أين طلبي؟ شكرا!';
/** U+202E RIGHT-TO-LEFT OVERRIDE with no U+202C to end it, then a stray U+2069 closing nothing. */
const OVERRIDE = '\u2069\u202Eevil override';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let visitor: Page;
let agent: Page;
let chat: FrameLocator;

beforeAll(async () => {
  const port = await freePort();
  database = await createTestDatabase();
  server = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  browser = await launchBrowser();
  visitor = await (await browser.newContext()).newPage();
  agent = await (await browser.newContext()).newPage();

  await visitor.goto(`${server.url}/demo`);
  await (await visible(visitor.getByRole('button', { name: /open chat/i }))).click();
  chat = visitor.frameLocator('iframe[title*="chat" i]');
  await visitorSends(ARABIC);

  await agent.goto(`${server.url}/console`);
  await (await visible(agent.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
  await agent.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await (await visible(agent.getByRole('link').getByText(ARABIC))).click();
  await visible(agent.getByRole('textbox', { name: 'Reply' }));
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

async function visitorSends(text: string): Promise<void> {
  const box = await visible(chat.getByRole('textbox', { name: 'Message' }));
  await box.fill(text);
  await box.press('Enter');
  await visible(chat.getByText(text, { exact: true }));
}

/** Where on screen the character at `index` of the element's text starts (its left edge). */
function leftOf(element: Locator, index: number): Promise<number> {
  return element.evaluate((node, i) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(), start = 0; text; text = walker.nextNode()) {
      const length = text.textContent?.length ?? 0;
      if (i < start + length) {
        const range = document.createRange();
        range.setStart(text, i - start);
        range.setEnd(text, i - start + 1);
        return range.getBoundingClientRect().left;
      }
      start += length;
    }
    throw new Error(`no character ${i}`);
  }, index);
}

/** The first character right of the last one: the text reads right to left. */
async function readsRightToLeft(element: Locator, text = ARABIC): Promise<boolean> {
  return (await leftOf(element, 0)) > (await leftOf(element, text.length - 1));
}

const isRtl = (element: Locator): Promise<boolean> =>
  element.evaluate((node) => node.matches(':dir(rtl)'));

describe('right-to-left text', () => {
  it('lays out an Arabic message right to left in the widget, its "!" at the left end', async () => {
    expect(await readsRightToLeft(chat.getByText(ARABIC, { exact: true }))).toBe(true);
  });

  it('lays it out right to left in the console thread and in the conversation list', async () => {
    const thread = agent.getByRole('log', { name: 'Messages' });
    expect(await readsRightToLeft(thread.getByText(ARABIC, { exact: true }))).toBe(true);
    expect(await readsRightToLeft(agent.getByRole('link').getByText(ARABIC))).toBe(true);
  });

  it('writes right to left in the reply boxes once the text is Arabic', async () => {
    const widgetBox = chat.getByRole('textbox', { name: 'Message' });
    const consoleBox = agent.getByRole('textbox', { name: 'Reply' });
    await widgetBox.fill(ARABIC);
    await consoleBox.fill(ARABIC);
    expect([await isRtl(widgetBox), await isRtl(consoleBox)]).toEqual([true, true]);
    await widgetBox.fill('Hello');
    await consoleBox.fill('Hello');
    expect([await isRtl(widgetBox), await isRtl(consoleBox)]).toEqual([false, false]);
  });

  it('keeps a right-to-left override inside its own message and preview', async () => {
    await visitorSends(OVERRIDE);
    await visitorSends('plain text after');
    expect(await readsRightToLeft(chat.getByText('plain text after'), 'plain text after')).toBe(
      false,
    );

    const reply = `Agent says ${OVERRIDE}`;
    await agent.getByRole('textbox', { name: 'Reply' }).fill(reply);
    await agent.getByRole('button', { name: 'Send' }).click();
    const preview = agent.getByRole('link').getByText(/Agent says/);
    await visible(preview);
    // "Agent: " stays in front and the body after it; only "evil override" runs right to left.
    const text = await preview.innerText();
    const [body, evil] = [text.indexOf('Agent says'), text.indexOf('evil')];
    expect(await leftOf(preview, 0)).toBeLessThan(await leftOf(preview, body));
    expect(await leftOf(preview, body)).toBeLessThan(await leftOf(preview, evil));
    expect(await leftOf(preview, evil)).toBeGreaterThan(await leftOf(preview, evil + 4));
  });
});
