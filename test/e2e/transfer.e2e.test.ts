import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/server/db/database';
import { createAgent } from '../helpers/factories';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

/**
 * A transfer end to end, in four browsers: routing gives Ana the chat (its reason on her
 * timeline), she hands it to Bo with a note, Bo accepts (after a first try offline) and replies,
 * a supervisor whispers to Bo; the visitor sees Bo join and answer, and never the note or the
 * whisper.
 */
const PASSWORD = 'a long enough password';
const NOTE = 'Lost parcel, order 1042: please call the courier';
const WHISPER = 'Offer free shipping on the next order';

let database: TestDatabase;
let server: ServerProcess;
let db: Db;
let browser: Browser;
let visitor: Page;
let ana: Page;
let bo: Page;
let boId: string;

async function agent(
  name: string,
  role: 'agent' | 'supervisor' = 'agent',
  status: 'online' | 'away' = 'online',
): Promise<{ id: string; page: Page }> {
  const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const email = `${name.toLowerCase()}@shop.test`;
  const id = await createAgent(db, org.id, { email, password: PASSWORD, role });
  await db
    .updateTable('agents')
    .set({ name, chosen_status: status })
    .where('id', '=', id)
    .execute();
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
  ({ id: boId, page: bo } = await agent('Bo', 'agent', 'away'));
  // Bo stepped away for a moment, so routing gives the next chat to Ana.
  const boStatus = bo.getByRole('combobox', { name: 'Status', exact: true });
  await boStatus.locator('option[value="away"]:checked').waitFor({ state: 'attached' });
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
    await ana.getByText('My parcel is lost').first().click();
    // Why Ana: routing's reason is on her timeline.
    await visible(ana.getByRole('log').getByText(/Assigned to Ana by round-robin/));
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

    // Offline, Accept fails: the offer stays, saying why, and is accepted once back online.
    const accept = bo.getByRole('button', { name: 'Accept', exact: true });
    await bo.context().setOffline(true);
    await bo.getByText('Connection lost. Reconnecting…').waitFor();
    await accept.click();
    await visible(
      bo.getByRole('alert').getByText('You are offline; the connection is being restored.'),
    );
    await visible(accept);
    await bo.context().setOffline(false);
    await bo.getByText('Connection lost. Reconnecting…').waitFor({ state: 'hidden' });
    await accept.click();
    await visible(timeline.getByText('Bo joined the chat'));
    await bo.getByRole('button', { name: 'Accept', exact: true }).waitFor({ state: 'hidden' });
    await bo.getByRole('textbox', { name: 'Reply' }).fill('Hi, I am Bo: calling the courier now.');
    await bo.getByRole('button', { name: 'Send' }).click();
    await visible(ana.getByRole('log').getByText('Hi, I am Bo: calling the courier now.'));
  });

  it('a supervisor whispers to Bo', async () => {
    // Sue signs in once the chat is Bo's: routing has nothing new to give her.
    const sue = (await agent('Sue', 'supervisor')).page;
    await (await visible(sue.getByText('Hi, I am Bo: calling the courier now.').first())).click();
    const whisper = sue.getByRole('textbox', { name: 'Whisper to the assigned agent' });
    await (await visible(whisper)).fill(WHISPER);
    await sue.getByRole('button', { name: 'Whisper', exact: true }).click();
    await visible(bo.getByRole('log').getByText(WHISPER));
    await bo.getByRole('textbox', { name: 'Reply' }).fill('Courier booked for tomorrow.');
    await bo.getByRole('button', { name: 'Send' }).click();
  });

  it('the visitor sees Bo join and answer, and never the note or the whisper', async () => {
    const frame = chatFrame(visitor);
    await visible(frame.getByText('Bo joined the chat'));
    await visible(frame.getByText('Hi, I am Bo: calling the courier now.'));
    // Bo's last reply came after the whisper: had either been sent, it would be here by now.
    await visible(frame.getByText('Courier booked for tomorrow.'));
    expect(await frame.getByText(NOTE).count()).toBe(0);
    expect(await frame.getByText(WHISPER).count()).toBe(0);
    expect(await frame.getByText(/transferred/).count()).toBe(0);
  });
});
