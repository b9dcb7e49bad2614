import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createDb } from '../../src/server/db/database';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { launchBrowser, visible } from './browser';

/**
 * What a new owner meets first, as the README tells them to run Parley: opened over plain HTTP
 * from another machine (a host name that is not localhost, so no secure context), the visitor on
 * /demo and the owner in the console chat, follow links, resolve and start again, and an unsent
 * reply survives a reload and a sign-out in another tab.
 */
const HOST = 'parley.test';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let agentContext: BrowserContext;
let visitor: Page;
let agent: Page;
let origin: string;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://${HOST}:${port}`;
  database = await createTestDatabase();
  server = await spawnServer(database, port, { publicUrl: origin });
  browser = await launchBrowser([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
  visitor = await (await browser.newContext()).newPage();
  agentContext = await browser.newContext();
  agent = await agentContext.newPage();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

const chat = (): FrameLocator => visitor.frameLocator('iframe[title*="chat" i]');

async function visitorSends(text: string): Promise<void> {
  await (await visible(chat().getByRole('textbox', { name: 'Message' }))).fill(text);
  await chat().getByRole('button', { name: 'Send' }).click();
}

async function signIn(page: Page): Promise<void> {
  await (await visible(page.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The accessible name of the focused element, and its tag: never <body>. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return {
      tag: element?.tagName.toLowerCase(),
      id: element?.id,
    };
  });

describe('Parley over plain HTTP on a host name', () => {
  it('has a title and an icon, and is not a secure context (no crypto.randomUUID)', async () => {
    await agent.goto(`${origin}/console`);
    expect(await agent.title()).toBe('Parley');
    expect(await agent.locator('link[rel="icon"]').count()).toBe(1);
    expect(await agent.evaluate(() => [window.isSecureContext, typeof crypto.randomUUID])).toEqual([
      false,
      'undefined',
    ]);
    await signIn(agent);
    await visible(agent.getByRole('tab', { name: /open/i }));
  });

  it('carries a chat both ways, with links that open safely in a new tab', async () => {
    await visitor.goto(`${origin}/demo`);
    await (await visible(visitor.getByRole('button', { name: /open chat/i }))).click();
    await visitorSends('My order: https://shop.example/orders/7. Or javascript:alert(1)');

    await (await visible(agent.getByText(/My order/).first())).click();
    // Opening a conversation puts the keyboard in its reply box.
    await visible(agent.getByRole('textbox', { name: 'Reply' }));
    await expect.poll(() => focused(agent)).toEqual({ tag: 'textarea', id: 'reply-composer' });
    const inConsole = agent.getByRole('link', {
      name: 'https://shop.example/orders/7',
      exact: true,
    });
    await visible(inConsole);
    expect(await inConsole.getAttribute('href')).toBe('https://shop.example/orders/7');
    expect(await inConsole.getAttribute('target')).toBe('_blank');
    expect(await inConsole.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await agent.locator('a[href*="javascript" i]').count()).toBe(0);

    // Send works without crypto.randomUUID.
    await agent.keyboard.type('See http://help.example/returns for returns');
    await agent.getByRole('button', { name: 'Send' }).click();
    const inWidget = chat().getByRole('link', { name: 'http://help.example/returns', exact: true });
    await visible(inWidget);
    expect(await inWidget.getAttribute('target')).toBe('_blank');
    expect(await inWidget.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('tells the visitor the conversation was resolved, and lets them start again', async () => {
    await agent.getByRole('button', { name: 'Resolve' }).click();
    // The Resolve button is gone; the keyboard is in the reply box, which says what sending does.
    await visible(agent.getByText('This conversation is resolved. Sending a reply reopens it.'));
    await expect.poll(() => focused(agent)).toEqual({ tag: 'textarea', id: 'reply-composer' });

    const notice = chat().getByText(
      'This conversation was closed. Write a message below to start again.',
    );
    await visible(notice);
    await visitorSends('One more question');
    await visible(chat().getByText('One more question'));
    await notice.waitFor({ state: 'hidden' });
    await visible(agent.getByText('One more question').first());
    await agent
      .getByText('This conversation is resolved. Sending a reply reopens it.')
      .waitFor({ state: 'hidden' });
  });

  it('keeps an unsent reply over a reload and a sign-out in another tab', async () => {
    const conversationUrl = agent.url();
    await agent.getByRole('textbox', { name: 'Reply' }).fill('Half-written answer');
    await agent.reload();
    await expect
      .poll(() => agent.getByRole('textbox', { name: 'Reply' }).inputValue())
      .toBe('Half-written answer');

    const other = await agentContext.newPage();
    await other.goto(`${origin}/console`);
    await (await visible(other.getByRole('button', { name: 'Sign out' }))).click();
    await visible(other.getByRole('button', { name: 'Sign in' }));

    await visible(agent.getByText('You were signed out in another tab.', { exact: false }));
    await signIn(agent);
    await agent.waitForURL(conversationUrl);
    await expect
      .poll(() => agent.getByRole('textbox', { name: 'Reply' }).inputValue())
      .toBe('Half-written answer');
    await other.close();
  });

  it('says the session ended when it was ended elsewhere, and comes back there after signing in', async () => {
    // Ended on the server (expired, or a password change elsewhere): the next request finds out.
    const db = await createDb(database.url, { poolSize: 1 });
    try {
      await db.deleteFrom('sessions').execute();
    } finally {
      await db.destroy();
    }
    await agent.getByRole('link', { name: 'Settings' }).click();
    await visible(agent.getByText('Your session has ended.', { exact: false }));
    await signIn(agent);
    await visible(agent.getByRole('heading', { name: 'Sites' }));
  });
});
