import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  createVisitor,
  requestOk,
  visitorSocket,
  connected,
  type VisitorSocket,
} from '../helpers/clients';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN, type ServerEndpoint } from '../helpers/server';
import { launchBrowser, visible } from './browser';

/**
 * The agent's side: notifications, the visitor's typing, and a resolved conversation that the
 * visitor reopens. The visitor is a plain socket.io-client here, as any SDK could be.
 */
let database: TestDatabase;
let process: ServerProcess;
let server: ServerEndpoint;
let browser: Browser;
let agent: Page;
let visitor: VisitorSocket;

/** A visitor on a page of the demo site's other allowed origin (localhost, the 127.0.0.1 twin). */
async function newVisitor(): Promise<VisitorSocket> {
  const page = server.url.replace('127.0.0.1', 'localhost');
  const { token } = await createVisitor(server, page);
  return connected(visitorSocket(server, { token }, page));
}

const say = (socket: VisitorSocket, body: string) =>
  requestOk(socket, 'message:send', { clientId: crypto.randomUUID(), body });

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  process = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  server = await endpointOf(process, database);
  browser = await launchBrowser();
  const context = await browser.newContext();
  await context.grantPermissions(['notifications'], { origin: server.url });
  // Record what the console shows the desktop and plays, instead of asking the OS.
  await context.addInitScript(() => {
    const shown: { title: string; body: string }[] = [];
    const chimes: number[] = [];
    Object.assign(window, { shownNotifications: shown, chimeNotes: chimes });
    const Real = window.Notification;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, body: options?.body ?? '' });
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded });
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (when?: number) {
      chimes.push(when ?? 0);
      return start.call(this, when);
    };
  });
  agent = await context.newPage();
  await agent.goto(`${server.url}/console`);
  await (await visible(agent.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
  await agent.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await visible(agent.getByRole('tab', { name: /open/i }));
});

afterAll(async () => {
  visitor?.close();
  await browser?.close();
  process?.child.kill('SIGTERM');
  await process?.exited;
  await database?.drop();
});

describe('the console alerts and follows the visitor', () => {
  it('shows a desktop notification and plays a sound for a new conversation once allowed', async () => {
    await agent.getByRole('button', { name: 'Enable notifications' }).click();
    visitor = await newVisitor();

    await say(visitor, 'Is the shop open on Sunday?');

    await agent.waitForFunction(
      () => (window as unknown as { shownNotifications: unknown[] }).shownNotifications.length > 0,
    );
    const shown = await agent.evaluate(
      () =>
        (window as unknown as { shownNotifications: { title: string; body: string }[] })
          .shownNotifications,
    );
    expect(shown[0]?.title).toBe('New conversation');
    expect(shown[0]?.body).toContain('Is the shop open on Sunday?');
    const notes = await agent.evaluate(
      () => (window as unknown as { chimeNotes: number[] }).chimeNotes.length,
    );
    expect(notes).toBeGreaterThan(0);
  });

  it('shows the visitor typing in the open conversation', async () => {
    await agent.getByText('Is the shop open on Sunday?').first().click();
    await visible(agent.getByRole('textbox', { name: 'Reply' }));

    await requestOk(visitor, 'typing', { typing: true });

    await visible(agent.getByText('Visitor is typing…').first());
  });

  it('moves a resolved conversation back to Open when the visitor writes again', async () => {
    // The lists, not the open conversation's pane, which shows the same text whatever its status.
    const list = agent.getByRole('tabpanel');
    await visible(list.getByText('Is the shop open on Sunday?'));
    await agent.getByRole('button', { name: 'Resolve' }).click();
    await list.getByText('Is the shop open on Sunday?').waitFor({ state: 'hidden' });
    await agent.getByRole('tab', { name: /resolved/i }).click();
    await visible(list.getByText('Is the shop open on Sunday?'));

    await say(visitor, 'One more thing: do you gift-wrap?');
    await list.getByText('Is the shop open on Sunday?').waitFor({ state: 'hidden' });
    await agent.getByRole('tab', { name: /open/i }).click();

    await visible(list.getByText('One more thing: do you gift-wrap?'));
    await visible(agent.getByRole('button', { name: 'Resolve' }));
  });
});

describe('blocking a visitor from the console', () => {
  it('ends their connection, refuses them, and moves their conversation to Blocked', async () => {
    const spammer = await newVisitor();
    await say(spammer, 'CHEAP WATCHES cheap-watches.example');
    await agent.getByRole('tab', { name: /open/i }).click();
    await (await visible(agent.getByText('CHEAP WATCHES cheap-watches.example').first())).click();
    const disconnected = new Promise((resolve) => spammer.once('disconnect', resolve));

    await (await visible(agent.getByRole('button', { name: 'Block visitor' }))).click();
    const dialog = agent.getByRole('dialog', { name: 'Block this visitor?' });
    await visible(dialog);
    await dialog.getByRole('button', { name: 'Block' }).click();

    await disconnected;
    await expect(connected(spammer.connect())).rejects.toMatchObject({
      data: { code: 'forbidden' },
    });
    await agent.getByRole('tab', { name: /open/i }).click();
    await agent
      .getByRole('tabpanel')
      .getByText('CHEAP WATCHES cheap-watches.example')
      .waitFor({ state: 'hidden' });
    await agent.getByRole('tab', { name: /blocked/i }).click();
    await visible(agent.getByRole('tabpanel').getByText('CHEAP WATCHES cheap-watches.example'));

    await agent.getByRole('button', { name: 'Unblock visitor' }).click();
    await visible(agent.getByRole('button', { name: 'Block visitor' }));
    await expect(connected(spammer.connect())).resolves.toBe(spammer);
    spammer.close();
  });
});

describe("the visitor's language", () => {
  it('is shown in the conversation header, following what they write', async () => {
    const writer = await newVisitor();
    await say(writer, 'Do you ship to Canada and how long does it take?');
    await agent.getByRole('tab', { name: /open/i }).click();
    await (await visible(agent.getByText('Do you ship to Canada').first())).click();
    const header = agent.locator('.conversation__header');
    await visible(header.getByText('English (detected)'));

    await say(writer, 'vcs entregam no rio de janeiro? quanto custa o frete');

    await visible(header.getByText('Portuguese (detected)'));
    writer.close();
  });
});
