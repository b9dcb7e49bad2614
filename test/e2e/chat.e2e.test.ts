import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, FrameLocator, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { launchBrowser, visible } from './browser';

const HTML = '<img src=x onerror=alert(1)>';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let visitorContext: BrowserContext;
let agentContext: BrowserContext;
let visitorPage: Page;
let agentPage: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  database = await createTestDatabase();
  server = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  browser = await launchBrowser();
  visitorContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  visitorPage = await visitorContext.newPage();
  agentPage = await agentContext.newPage();
  // An alert would mean a message body ran as HTML.
  for (const page of [visitorPage, agentPage]) {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

function chatFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe[title*="chat" i]');
}

async function visitorSends(text: string): Promise<void> {
  const frame = chatFrame(visitorPage);
  await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill(text);
  await frame.getByRole('button', { name: 'Send' }).click();
}

describe('a visitor and an agent chat through the browser', () => {
  it('the visitor opens the widget on /demo and sends a message', async () => {
    await visitorPage.goto(`${server.url}/demo`);
    await (await visible(visitorPage.getByRole('button', { name: /open chat/i }))).click();

    await visitorSends('Hello, is anyone there?');

    await visible(chatFrame(visitorPage).getByText('Hello, is anyone there?'));
  });

  it('the agent signs in and sees the message arrive without reloading', async () => {
    await agentPage.goto(`${server.url}/console`);
    await (await visible(agentPage.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
    await agentPage.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
    await agentPage.getByRole('button', { name: 'Sign in' }).click();
    await visible(agentPage.getByText('Hello, is anyone there?').first());

    await visitorSends('I have a question about my order');

    await visible(agentPage.getByText('I have a question about my order').first());
  });

  it('the agent replies and the visitor sees it without reloading', async () => {
    await agentPage.getByText('I have a question about my order').first().click();
    // Opening the conversation reads it: the visitor's messages turn from Sent to Read.
    await visible(
      chatFrame(visitorPage)
        .getByText(/\bRead\b/)
        .first(),
    );
    await (
      await visible(agentPage.getByRole('textbox', { name: 'Reply' }))
    ).fill('Hi! Happy to help.');
    await agentPage.getByRole('button', { name: 'Send' }).click();

    await visible(chatFrame(visitorPage).getByText('Hi! Happy to help.'));
  });

  it('shows an HTML payload as text on both sides', async () => {
    await visitorSends(HTML);
    await visible(agentPage.getByText(HTML, { exact: true }).last());
    await agentPage.getByRole('textbox', { name: 'Reply' }).fill(`${HTML} (agent)`);
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await visible(chatFrame(visitorPage).getByText(`${HTML} (agent)`));

    expect(await agentPage.locator('img[src="x"]').count()).toBe(0);
    expect(await chatFrame(visitorPage).locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('the visitor reloads the page and sees the whole history', async () => {
    await visitorPage.reload();
    const openChat = visitorPage.getByRole('button', { name: /open chat/i });
    if (await openChat.isVisible()) await openChat.click();

    const frame = chatFrame(visitorPage);
    for (const text of [
      'Hello, is anyone there?',
      'I have a question about my order',
      'Hi! Happy to help.',
      HTML,
    ]) {
      await visible(frame.getByText(text, { exact: true }));
    }
  });

  it('the agent resolves the conversation, and it moves from the Open list to Resolved', async () => {
    // The lists, not the open conversation's pane, which shows the same text whatever its status.
    const list = agentPage.getByRole('tabpanel');
    const preview = list.getByText(`${HTML} (agent)`);
    await visible(preview);
    await agentPage.getByRole('button', { name: 'Resolve' }).click();

    await preview.waitFor({ state: 'hidden' });
    await agentPage.getByRole('tab', { name: /resolved/i }).click();
    await visible(preview);
  });
});
