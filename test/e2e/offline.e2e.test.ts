import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/server/db/database';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { firstAgent, setPresence } from '../helpers/presence';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { ADMIN } from '../helpers/server';
import { startMailbox, type TestMailbox } from '../helpers/smtp';
import { eventually } from '../helpers/clients';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

/**
 * Issue 10's offline state as a visitor and an agent live it: with nobody online the widget
 * offers the leave-a-message form, the message reaches the console and the team's mailbox; with
 * an agent online the widget is the chat. Presence is set in the database (see helpers/presence).
 */
let database: TestDatabase;
let db: Db;
let server: ServerProcess;
let mailbox: TestMailbox;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  database = await createTestDatabase();
  mailbox = await startMailbox();
  server = await spawnServer(database, port, {
    publicUrl: `http://127.0.0.1:${port}`,
    env: { PARLEY_SMTP_URL: mailbox.url, PARLEY_SMTP_FROM: 'parley@shop.test' },
  });
  db = await createDb(database.url, { poolSize: 1 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await db?.destroy();
  await mailbox?.close();
  await database?.drop();
});

async function openWidget(): Promise<Page> {
  const page = await (
    await browser.newContext({ viewport: { width: 1280, height: 800 } })
  ).newPage();
  await page.goto(`${server.url}/demo`);
  await (await visible(page.getByRole('button', { name: /open chat/i }))).click();
  return page;
}

describe('the widget when nobody is online', () => {
  it('offers the leave-a-message form, and the message reaches the console and the team', async () => {
    const visitor = await openWidget();
    const frame = chatFrame(visitor);
    // It says so; the chat stays open, and the form is a click away.
    await visible(frame.getByText(/We are away right now/));
    await visible(frame.getByRole('textbox', { name: 'Message' }));
    await frame.getByRole('button', { name: 'Leave a message' }).click();
    const form = await visible(frame.getByRole('form', { name: 'Leave a message' }));
    expect(await frame.getByRole('button', { name: 'Send', exact: true }).isVisible()).toBe(false);

    // Checked before sending, like the pre-chat form.
    await form.getByRole('button', { name: 'Send message' }).click();
    await visible(form.getByText('Please fill this in.').first());
    await form.getByRole('textbox', { name: 'Name' }).fill('Ada Lovelace');
    await form.getByRole('textbox', { name: 'Email' }).fill('ada.example.com');
    await form
      .getByRole('textbox', { name: 'Message' })
      .fill('Please call me back about my order.');
    await form.getByRole('button', { name: 'Send message' }).click();
    await visible(form.getByText('Enter an email address like name@example.com.'));

    await form.getByRole('textbox', { name: 'Email' }).fill('ada@example.com');
    await form.getByRole('button', { name: 'Send message' }).click();
    await visible(
      frame.getByText('Thanks! We got your message and will reply to ada@example.com.'),
    );
    await visible(frame.getByText('Please call me back about my order.'));
    expect(await form.isVisible()).toBe(false);
    await visible(frame.getByRole('textbox', { name: 'Message' }));

    await eventually(() => expect(mailbox.mails).toHaveLength(1));
    expect(mailbox.text(0)).toContain('Please call me back about my order.');

    const agent = await (await browser.newContext()).newPage();
    await signInToConsole(agent, server.url, ADMIN);
    await (await visible(agent.getByText('Ada Lovelace').first())).click();
    await visible(agent.getByText('Message left while nobody was online'));
    await visible(agent.getByRole('link', { name: 'ada@example.com' }).first());
  });

  it('shows the chat as soon as an agent is online', async () => {
    const admin = await firstAgent(db);
    await setPresence(db, admin.id, 'online');
    const visitor = await openWidget();
    const frame = chatFrame(visitor);
    await visible(frame.getByRole('textbox', { name: 'Message' }));
    await visible(frame.getByText('We usually reply within a few minutes'));
    expect(await frame.getByRole('button', { name: 'Leave a message' }).isVisible()).toBe(false);
    expect(await frame.getByText(/We are away right now/).isVisible()).toBe(false);
  });
});
