import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/server/db/database';
import { api } from '../helpers/api';
import {
  connected,
  createVisitor,
  login,
  requestOk,
  visitorSocket,
  type VisitorSocket,
} from '../helpers/clients';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { ADMIN, type ServerEndpoint } from '../helpers/server';
import { seedVisit } from '../helpers/visits';
import { launchBrowser, signInToConsole, visible } from './browser';

/**
 * The Visitors page and the profile beside a conversation, with visits seeded as rows (the
 * tracker is not what is tested here): the rows, the filters, a live redraw, the invitation form,
 * and visitor-controlled text (a script payload everywhere) shown as text, never run.
 */
const PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

let database: TestDatabase;
let parley: ServerProcess;
let server: ServerEndpoint;
let db: Db;
let browser: Browser;
let page: Page;
const sockets: VisitorSocket[] = [];
const conversations: Record<string, string> = {};
/** Seen "later" than the whole run: the visitors stay on the site however long the test takes. */
/** Long enough for a push or a reload on a busy machine. */
const POLL = { timeout: 10_000 };
const onTheSite = { lastSeenAt: new Date(Date.now() + 3600_000) };

/** A visitor on a page of the seeded site's other allowed origin, named `name`. */
async function newVisitor(name: string | null): Promise<{ visitorId: string; token: string }> {
  const visitor = await createVisitor(server, server.url.replace('127.0.0.1', 'localhost'));
  await db.updateTable('visitors').set({ name }).where('id', '=', visitor.visitorId).execute();
  return visitor;
}

async function startChat(visitor: { token: string }): Promise<string> {
  const origin = server.url.replace('127.0.0.1', 'localhost');
  const socket = await connected(visitorSocket(server, { token: visitor.token }, origin));
  sockets.push(socket);
  const sent = await requestOk<{ message: { conversationId: string } }>(socket, 'message:send', {
    clientId: crypto.randomUUID(),
    body: 'Hello there',
  });
  return sent.message.conversationId;
}

const rows = (): Locator =>
  page.getByRole('table', { name: 'Visitors on your sites now' }).locator('tbody tr');
const row = (text: string): Locator => rows().filter({ hasText: text });

/** The visitors' names the table shows, in order, once it shows `count` rows. */
async function namesShown(count: number): Promise<string[]> {
  await expect.poll(() => rows().count(), POLL).toBe(count);
  return rows().locator('th').allInnerTexts();
}

/** Nothing a visitor sent ran, or became an element. */
async function expectInert(): Promise<void> {
  expect(await page.evaluate(() => Reflect.get(window, '__xss'))).toBeUndefined();
  expect(await page.locator('img[src="x"]').count()).toBe(0);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  server = await endpointOf(parley, database);
  db = await createDb(database.url, { poolSize: 1 });

  const ana = await newVisitor('Ana');
  await seedVisit(
    db,
    ana.visitorId,
    [
      { url: 'https://shop.test/', title: 'Home' },
      { url: 'https://shop.test/pricing', title: 'Pricing' },
    ],
    { ...onTheSite, country: 'FR', referrer: 'https://search.example/?q=shoes', earlierVisits: 2 },
  );
  const bo = await newVisitor('Bo Berg');
  await seedVisit(db, bo.visitorId, [{ url: 'https://shop.test/blog/post', title: 'Our blog' }], {
    ...onTheSite,
    country: 'DE',
    city: 'Berlin',
    browser: 'Firefox',
    os: 'Linux',
    device: 'desktop',
  });
  conversations.bo = await startChat(bo);
  const mallory = await newVisitor(PAYLOAD);
  await seedVisit(
    db,
    mallory.visitorId,
    [{ url: `javascript:alert(1)//${PAYLOAD}`, title: PAYLOAD }],
    {
      ...onTheSite,
      referrer: PAYLOAD,
      browser: PAYLOAD,
      attributes: { [PAYLOAD]: PAYLOAD },
    },
  );
  conversations.mallory = await startChat(mallory);

  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('dialog', (dialog) => {
    throw new Error(`a visitor's text opened a dialog: ${dialog.message()}`);
  });
  await signInToConsole(page, parley.url, ADMIN);
  await visible(page.getByRole('link', { name: 'Visitors' }));
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await browser?.close();
  await db?.destroy();
  parley?.child.kill('SIGKILL');
  await parley?.exited;
  await database?.drop();
});

describe('the Visitors page', () => {
  it('lists who is on the sites now, and filters them by country, page and chatting', async () => {
    await page.getByRole('link', { name: 'Visitors' }).click();
    await page.waitForURL(/\/console\/visitors$/);
    expect((await namesShown(3)).sort()).toEqual(['Ana', 'Bo Berg', PAYLOAD].sort());

    const anaRow = await visible(row('Ana'));
    await expect.poll(() => anaRow.innerText(), POLL).toContain('https://shop.test/pricing');
    const ana = await anaRow.innerText();
    expect(ana).toContain('https://search.example/?q=shoes');
    expect(ana).toContain('FR');
    expect(ana).toContain('Returning (3 visits)');
    // Routing gave Bo's chat to the only agent online.
    expect(await row('Bo Berg').innerText()).toContain('Admin');
    expect(await row(PAYLOAD).innerText()).toContain(`javascript:alert(1)//${PAYLOAD}`);
    await expectInert();

    const country = page.getByRole('textbox', { name: 'Country' });
    await country.fill('de');
    await country.press('Tab');
    expect(await namesShown(1)).toEqual(['Bo Berg']);
    await country.fill('');
    await country.press('Tab');
    await namesShown(3);

    const pageFilter = page.getByRole('searchbox', { name: 'Page' });
    await pageFilter.fill('PRICING');
    await pageFilter.press('Tab');
    expect(await namesShown(1)).toEqual(['Ana']);
    await pageFilter.fill('');
    await pageFilter.press('Tab');
    await namesShown(3);

    const chatting = page.getByRole('combobox', { name: 'Chatting' });
    await chatting.selectOption({ label: 'Not chatting' });
    expect(await namesShown(1)).toEqual(['Ana']);
    await chatting.selectOption({ label: 'Chatting' });
    expect((await namesShown(2)).sort()).toEqual(['Bo Berg', PAYLOAD].sort());
    await chatting.selectOption({ label: 'Everyone' });
    await namesShown(3);
  });

  it('redraws a row live when the visitor changes', async () => {
    const cookie = await login(server);
    const anaId = (
      await db
        .selectFrom('visitors')
        .select('id')
        .where('name', '=', 'Ana')
        .executeTakeFirstOrThrow()
    ).id;
    const renamed = await api(server, cookie, 'PATCH', `/api/v1/visitors/${anaId}`, {
      name: 'Ana Lopez',
    });
    expect(renamed.status).toBe(200);
    await visible(row('Ana Lopez'));
    expect((await namesShown(3)).sort()).toEqual(['Ana Lopez', 'Bo Berg', PAYLOAD].sort());
  });

  it('invites a browsing visitor with a message, and says why when the server refuses', async () => {
    let refuse = true;
    const sent: unknown[] = [];
    await page.route('**/api/v1/visitors/*/invitations', async (route) => {
      sent.push(route.request().postDataJSON());
      await (refuse
        ? route.fulfill({
            status: 403,
            json: { error: { code: 'forbidden', message: 'no' } },
          })
        : route.fulfill({ status: 201, json: { invitation: { id: 'i1' } } }));
    });
    const ana = row('Ana Lopez');
    await ana.getByRole('button', { name: 'Invite to chat' }).click();
    await ana.getByRole('textbox', { name: 'Invitation message' }).fill('Can I help you choose?');
    await ana.getByRole('button', { name: 'Send invitation' }).click();
    await expect
      .poll(() => ana.getByRole('alert').innerText(), POLL)
      .toBe('The invitation was not sent. You are not allowed to do that.');

    refuse = false;
    await ana.getByRole('button', { name: 'Send invitation' }).click();
    await expect.poll(() => ana.getByRole('status').innerText(), POLL).toBe('Invitation sent.');
    expect(sent).toEqual([
      { message: 'Can I help you choose?' },
      { message: 'Can I help you choose?' },
    ]);
    // Chatting visitors are opened, not invited.
    expect(await row('Bo Berg').getByRole('button', { name: 'Invite to chat' }).count()).toBe(0);
    await page.unroute('**/api/v1/visitors/*/invitations');
  });
});

describe('the visitor profile beside a conversation', () => {
  it("shows the visit's pages and where the visitor is, and keeps the agent's notes", async () => {
    await page.goto(`${parley.url}/console/visitors`);
    await (await visible(row('Bo Berg').getByRole('link', { name: 'Open chat' }))).click();
    await page.waitForURL(new RegExp(`/conversations/${conversations.bo}$`));
    const profile = await visible(page.getByRole('complementary', { name: 'Visitor profile' }));
    await expect.poll(() => profile.innerText(), POLL).toContain('On the site now');
    const text = await profile.innerText();
    expect(text).toContain('https://shop.test/blog/post');
    expect(text).toContain('Berlin, DE');
    expect(text).toContain('Firefox · Linux · desktop');

    await profile.getByRole('textbox', { name: 'Notes' }).fill('Asked about the blue one.');
    await profile.getByRole('textbox', { name: 'Email' }).fill('bo@example.com');
    await profile.getByRole('button', { name: 'Save visitor details' }).click();
    await expect.poll(() => profile.getByRole('status').innerText(), POLL).toBe('Saved.');
    const stored = await db
      .selectFrom('visitors')
      .select(['email', 'notes'])
      .where('name', '=', 'Bo Berg')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ email: 'bo@example.com', notes: 'Asked about the blue one.' });

    // A colleague renames Bo: the profile follows the push.
    const boId = (
      await db
        .selectFrom('visitors')
        .select('id')
        .where('name', '=', 'Bo Berg')
        .executeTakeFirstOrThrow()
    ).id;
    await api(server, await login(server), 'PATCH', `/api/v1/visitors/${boId}`, {
      name: 'Bo B. Berg',
    });
    await expect.poll(() => profile.innerText(), POLL).toContain('Bo B. Berg');

    await profile.getByRole('textbox', { name: 'Email' }).fill('not an email');
    await profile.getByRole('button', { name: 'Save visitor details' }).click();
    await expect
      .poll(() => profile.getByRole('alert').innerText(), POLL)
      .toBe('The visitor was not changed. That is not an email address.');
  });

  it('shows what a visitor sent as text, never as markup', async () => {
    await page.goto(`${parley.url}/console/conversations/${conversations.mallory}`);
    const profile = await visible(page.getByRole('complementary', { name: 'Visitor profile' }));
    await expect.poll(() => profile.innerText(), POLL).toContain(`javascript:alert(1)//${PAYLOAD}`);
    const text = await profile.innerText();
    expect(text.split(PAYLOAD).length).toBeGreaterThan(5);
    expect(await profile.getByRole('textbox', { name: 'Name' }).inputValue()).toBe(PAYLOAD);
    expect(await profile.getByRole('link').count()).toBe(0);
    await expectInert();
  });
});
