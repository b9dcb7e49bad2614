import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Parley } from '../../src/server/app';
import { api } from '../helpers/api';
import { eventually, login } from '../helpers/clients';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { beacon, startVisit } from '../helpers/invitation-visits';
import { freePort } from '../helpers/process';
import { setPresence } from '../helpers/routing';
import { ADMIN, seededWidgetKey, testConfig } from '../helpers/server';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A proactive invitation as a visitor lives it, in a real browser on a shop of another origin:
 * the card above the launcher with "Reply" and "Dismiss"; Dismiss tells Parley; Reply opens the
 * chat with the invitation as the agent's first message, and the visitor's answer starts the
 * conversation with it, given to the inviting agent. The tracker that would show the card on a
 * beacon's reply is another lane's: a test page (fixtures/invitation-harness.ts) stands in.
 */
let database: TestDatabase;
let parley: Parley;
let parleyUrl: string;
let shop: http.Server;
let shopUrl: string;
let browser: Browser;
let widgetKey: string;
let admin: string;
let adminId: string;

async function harnessScript(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      minify: false,
      lib: {
        entry: path.resolve(import.meta.dirname, 'fixtures/invitation-harness.ts'),
        name: 'ParleyTestHarness',
        formats: ['iife'],
      },
    },
  });
  const [result] = output as Rolldown.RolldownOutput[];
  return result!.output[0].code;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parleyUrl = `http://127.0.0.1:${port}`;
  parley = await buildApp(testConfig(database, { port, publicUrl: parleyUrl }));
  await parley.http.listen({ port, host: '127.0.0.1' });
  widgetKey = await seededWidgetKey(parley.db);
  const script = await harnessScript();
  shop = http.createServer((req, res) => {
    if (req.url === '/harness.js') {
      res.setHeader('content-type', 'text/javascript');
      return res.end(script);
    }
    res.setHeader('content-type', 'text/html');
    res.end(
      '<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>' +
        `<script src="/harness.js" data-site="${widgetKey}" data-parley="${parleyUrl}"></script>` +
        '</body></html>',
    );
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
  await parley.db
    .updateTable('sites')
    .set({ allowed_origins: JSON.stringify([shopUrl]) })
    .execute();
  admin = await login({ url: parleyUrl, widgetKey });
  adminId = (await parley.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  shop?.close();
  await parley?.http.close();
  await database?.drop();
});

/** The visitor the chat frame made for itself, and its credential from the frame's storage. */
async function frameVisitor(page: Page): Promise<{ visitorId: string; token: string } | null> {
  const frame = page.frames().find((f) => f.url().startsWith(`${parleyUrl}/widget/frame`));
  const stored = await frame!.evaluate(
    (key) => localStorage.getItem(`parley:visitor:${key}`),
    widgetKey,
  );
  return stored === null ? null : (JSON.parse(stored) as { visitorId: string; token: string });
}

/** The agent invites; the offer a beacon's reply would carry is shown as the tracker would. */
async function inviteAndShow(
  page: Page,
  visitor: { visitorId: string; token: string },
  message: string,
): Promise<void> {
  const path = `/api/v1/visitors/${visitor.visitorId}/invitations`;
  const sent = await api({ url: parleyUrl, widgetKey }, admin, 'POST', path, { message });
  expect(sent.status).toBe(201);
  const offer = await parley.invitations.offerFor(await beacon(parley.db, visitor.visitorId));
  expect(offer).toMatchObject({ message, agentName: expect.any(String) });
  await page.evaluate(([o, v]) => window.parleyTest.show(o, v), [offer!, visitor] as const);
}

describe('an invitation in the widget', () => {
  it('shows with Reply and Dismiss; Dismiss tells Parley, Reply opens the chat with it', async () => {
    await setPresence(parley, adminId, 'online');
    const page = await (await browser.newContext()).newPage();
    await page.goto(shopUrl);
    // The frame makes its visitor on first open (the tracker will make it from the page).
    await (await visible(page.getByRole('button', { name: 'Open chat' }))).click();
    await visible(chatFrame(page).getByRole('textbox', { name: 'Message' }));
    await page.getByRole('button', { name: 'Close chat' }).click();
    await eventually(async () => expect(await frameVisitor(page)).not.toBeNull());
    const visitor = (await frameVisitor(page))!;
    await startVisit(parley.db, visitor.visitorId);

    await inviteAndShow(page, visitor, 'Looking for a gift? I can help.');
    const card = page.getByRole('dialog', { name: /Message from/ });
    await visible(card.getByText('Looking for a gift? I can help.'));
    await visible(card.getByRole('button', { name: 'Reply' }));
    await card.getByRole('button', { name: 'Dismiss' }).click();
    await card.waitFor({ state: 'detached' });
    await eventually(async () => {
      const row = await parley.db
        .selectFrom('invitations')
        .select('dismissed_at')
        .executeTakeFirstOrThrow();
      expect(row.dismissed_at).not.toBeNull();
    });

    await inviteAndShow(page, visitor, 'Free shipping today. Questions?');
    await (await visible(page.getByRole('button', { name: 'Reply' }))).click();
    const frame = chatFrame(page);
    await visible(frame.getByText('Free shipping today. Questions?'));
    await frame.getByRole('textbox', { name: 'Message' }).fill('Does it ship to Lisbon?');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent'));
    expect(await page.evaluate(() => window.parleyTest.replied)).toBe(1);

    const conversation = await parley.db
      .selectFrom('conversations')
      .select(['id', 'assignee_id'])
      .executeTakeFirstOrThrow();
    expect(conversation.assignee_id).toBe(adminId);
    const messages = await parley.db
      .selectFrom('messages')
      .select(['author_type', 'body'])
      .where('conversation_id', '=', conversation.id)
      .where('internal', '=', 0)
      .orderBy('seq')
      .execute();
    expect(messages).toEqual([
      { author_type: 'agent', body: 'Free shipping today. Questions?' },
      { author_type: 'visitor', body: 'Does it ship to Lisbon?' },
    ]);
    // Once, not twice: the server's copy replaced the one the frame showed at first.
    await expect.poll(() => frame.getByText('Free shipping today. Questions?').count()).toBe(1);
  });
});

describe('automatic invitations in Settings → Sites', () => {
  it('are added, saved and read back, and the loader learns when to report', async () => {
    const page = await (await browser.newContext()).newPage();
    await signInToConsole(page, parleyUrl, ADMIN);
    await visible(page.getByRole('link', { name: 'Settings' }));
    await page.goto(`${parleyUrl}/console/settings/sites`);
    const rules = page.getByRole('region', { name: 'Automatic invitations' });
    await visible(rules.getByText('No rules yet.'));
    await rules.getByRole('button', { name: 'Add rule' }).click();
    const rule = rules.getByRole('group', { name: 'Rule 1' });
    await rule.getByRole('textbox', { name: 'Invitation message' }).fill('Comparing plans?');
    await rule.getByRole('textbox', { name: 'Page URL' }).fill('/pricing*');
    await rule.getByRole('spinbutton', { name: 'Seconds on the page' }).fill('12');
    await rule.getByRole('spinbutton', { name: 'From visit number' }).fill('2');
    await rule.getByRole('textbox', { name: 'Referrer contains' }).fill('google');
    await rules.getByRole('button', { name: 'Save invitation rules' }).click();
    await visible(rules.getByRole('status').getByText('Saved.'));
    expect(await seriousViolations(page)).toEqual([]);

    const site = await parley.db
      .selectFrom('sites')
      .select('invitation_rules')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(site.invitation_rules!)).toEqual([
      expect.objectContaining({
        enabled: true,
        message: 'Comparing plans?',
        urlPattern: '/pricing*',
        seconds: 12,
        minVisit: 2,
        referrer: 'google',
      }),
    ]);
    const config = await fetch(`${parleyUrl}/api/v1/widget/config?site=${widgetKey}`, {
      headers: { origin: shopUrl },
    });
    expect(((await config.json()) as { trackAt: number[] }).trackAt).toEqual([12]);

    await page.reload();
    const again = page.getByRole('region', { name: 'Automatic invitations' });
    await visible(again.getByRole('textbox', { name: 'Invitation message' }));
    expect(await again.getByRole('textbox', { name: 'Page URL' }).inputValue()).toBe('/pricing*');
    await again.getByRole('button', { name: 'Remove rule 1' }).click();
    await again.getByRole('button', { name: 'Save invitation rules' }).click();
    await visible(again.getByText('No rules yet.'));
    await page.context().close();
  });
});

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the console's CSP (no inline scripts) allows.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document)) as {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
    };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}
