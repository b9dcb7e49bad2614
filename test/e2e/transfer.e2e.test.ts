import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/server/db/database';
import { createAgent } from '../helpers/factories';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

/**
 * A transfer end to end, in three browsers: Ana has the chat, hands it to Bo with a note, Bo
 * accepts and replies; the visitor sees Bo join and answer, and never the note.
 */
const PASSWORD = 'a long enough password';
const NOTE = 'Lost parcel, order 1042: please call the courier';

let database: TestDatabase;
let server: ServerProcess;
let db: Db;
let browser: Browser;
let visitor: Page;
let ana: Page;
let bo: Page;
let boId: string;

async function agent(name: string): Promise<{ id: string; page: Page }> {
  const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const email = `${name.toLowerCase()}@shop.test`;
  const id = await createAgent(db, org.id, { email, password: PASSWORD, role: 'agent' });
  await db.updateTable('agents').set({ name }).where('id', '=', id).execute();
  const page = await (
    await browser.newContext({ viewport: { width: 1280, height: 800 } })
  ).newPage();
  await signInToConsole(page, server.url, { email, password: PASSWORD });
  await visible(page.getByRole('tab', { name: /open/i }));
  return { id, page };
}

beforeAll(async () => {
  const port = await freePort();
  database = await createTestDatabase();
  server = await spawnServer(database, port, {
    publicUrl: `http://127.0.0.1:${port}`,
    // A loaded machine (others test on it too) may take longer than the default.
    startTimeoutMs: 60_000,
  });
  db = await createDb(database.url, { poolSize: 2 });
  browser = await launchBrowser();
  visitor = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  ana = (await agent('Ana')).page;
  ({ id: boId, page: bo } = await agent('Bo'));
});

afterAll(async () => {
  await browser?.close();
  await db?.destroy();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

describe('a transfer between two agents', () => {
  it('Ana has the chat and transfers it to Bo with a note', async () => {
    await visitor.goto(`${server.url}/demo`);
    await (await visible(visitor.getByRole('button', { name: /open chat/i }))).click();
    const frame = chatFrame(visitor);
    await (
      await visible(frame.getByRole('textbox', { name: 'Message' }))
    ).fill('My parcel is lost');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(ana.getByText('My parcel is lost').first());
    // Until routing assigns chats, Ana gets this one by hand.
    const anaId = (
      await db.selectFrom('agents').select('id').where('name', '=', 'Ana').executeTakeFirstOrThrow()
    ).id;
    await db.updateTable('conversations').set({ assignee_id: anaId }).execute();

    await ana.getByText('My parcel is lost').first().click();
    await (await visible(ana.getByRole('button', { name: 'Transfer', exact: true }))).click();
    const dialog = ana.getByRole('dialog', { name: 'Transfer this conversation' });
    // The targets load as the dialog opens.
    await dialog.locator('option', { hasText: 'Bo (' }).waitFor({ state: 'attached' });
    await dialog.getByRole('combobox', { name: 'Transfer to' }).selectOption(`agent:${boId}`);
    await dialog.getByRole('textbox', { name: 'Note' }).fill(NOTE);
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();

    const timeline = ana.getByRole('log');
    await visible(timeline.getByText('Ana transferred the conversation to Bo'));
    await visible(timeline.getByText(NOTE));
  });

  it('Bo is told, sees the history and the note, accepts and replies', async () => {
    // Told wherever Bo is in the console.
    await (await visible(bo.getByRole('link', { name: 'Open', exact: true }))).click();
    const timeline = bo.getByRole('log');
    await visible(timeline.getByText(NOTE));
    await visible(timeline.getByText('My parcel is lost'));

    await bo.getByRole('button', { name: 'Accept', exact: true }).click();
    await visible(timeline.getByText('Bo joined the chat'));
    await bo.getByRole('button', { name: 'Accept', exact: true }).waitFor({ state: 'hidden' });
    await bo.getByRole('textbox', { name: 'Reply' }).fill('Hi, I am Bo: calling the courier now.');
    await bo.getByRole('button', { name: 'Send' }).click();
    await visible(ana.getByRole('log').getByText('Hi, I am Bo: calling the courier now.'));
  });

  it('the visitor sees Bo join and answer, and never the note', async () => {
    const frame = chatFrame(visitor);
    await visible(frame.getByText('Bo joined the chat'));
    await visible(frame.getByText('Hi, I am Bo: calling the courier now.'));
    // Bo's reply came after the note: had the note been sent, it would be here by now.
    expect(await frame.getByText(NOTE).count()).toBe(0);
    expect(await frame.getByText(/transferred/).count()).toBe(0);
  });
});
