import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Parley } from '../../src/server/app';
import type { InvitationRule } from '../../src/protocol/visitor-schemas';
import { api } from '../helpers/api';
import { eventually, login } from '../helpers/clients';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { freePort } from '../helpers/process';
import { setPresence } from '../helpers/routing';
import { ADMIN, seededWidgetKey, testConfig } from '../helpers/server';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A proactive invitation as a visitor lives it, in a real browser on a shop of another origin
 * with the real embed snippet: the loader's beacon brings it, the card above the launcher has
 * "Reply" and "Dismiss"; Dismiss tells Parley; Reply opens the chat with the invitation as the
 * agent's first message, and the visitor's answer starts the conversation with it, given to the
 * inviting agent. A site's rule fires through the beacon the loader sends at the rule's second.
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

// Headless Chromium says so in its user agent, and bots are not tracked: a person's browser.
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parleyUrl = `http://127.0.0.1:${port}`;
  parley = await buildApp(testConfig(database, { port, publicUrl: parleyUrl }));
  await parley.http.listen({ port, host: '127.0.0.1' });
  widgetKey = await seededWidgetKey(parley.db);
  const snippet = `<script src="${parleyUrl}/widget.js" data-site="${widgetKey}" async></script>`;
  shop = http.createServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>${snippet}</body></html>`,
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

/** A visitor's browser on the shop, its clock in the test's hands, once the loader tracks it. */
async function browseShop(path: string): Promise<{ page: Page; visitorId: string }> {
  const context = await browser.newContext({ userAgent: USER_AGENT });
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(`${shopUrl}${path}`);
  let visitorId: string | null = null;
  await eventually(async () => {
    visitorId = await page.evaluate((key) => {
      const stored = localStorage.getItem(`parley:visitor:${key}`);
      return stored ? (JSON.parse(stored) as { visitorId: string }).visitorId : null;
    }, widgetKey);
    expect(visitorId).not.toBeNull();
    // The page view's beacon started the visit: the visitor is on the site now.
    const visitor = await parley.db
      .selectFrom('visitors')
      .select('current_visit_id')
      .where('id', '=', visitorId!)
      .executeTakeFirst();
    expect(visitor?.current_visit_id).toEqual(expect.any(String));
  });
  return { page, visitorId: visitorId! };
}

const invitationsOf = (visitorId: string) =>
  parley.db
    .selectFrom('invitations')
    .select(['message', 'agent_id', 'rule_id', 'shown_at', 'dismissed_at', 'answered_at'])
    .where('visitor_id', '=', visitorId)
    .orderBy('created_at')
    .execute();

async function invite(visitorId: string, message: string): Promise<void> {
  const path = `/api/v1/visitors/${visitorId}/invitations`;
  const sent = await api({ url: parleyUrl, widgetKey }, admin, 'POST', path, { message });
  expect(sent.status).toBe(201);
}

describe('an invitation in the widget', () => {
  it('comes with the next beacon; Dismiss tells Parley, Reply opens the chat with it', async () => {
    await setPresence(parley, adminId, 'online');
    const { page, visitorId } = await browseShop('/');

    await invite(visitorId, 'Looking for a gift? I can help.');
    // Half a minute on the page: the heartbeat's reply carries the invitation.
    await page.clock.runFor(31_000);
    const card = page.getByRole('dialog', { name: /Message from/ });
    await visible(card.getByText('Looking for a gift? I can help.'));
    await visible(card.getByRole('button', { name: 'Reply' }));
    await card.getByRole('button', { name: 'Dismiss' }).click();
    await card.waitFor({ state: 'detached' });
    await eventually(async () => {
      const [row] = await invitationsOf(visitorId);
      expect(row).toMatchObject({ shown_at: expect.any(String), dismissed_at: expect.any(String) });
    });

    await invite(visitorId, 'Free shipping today. Questions?');
    await page.clock.runFor(30_000);
    await (await visible(page.getByRole('button', { name: 'Reply' }))).click();
    const frame = chatFrame(page);
    await visible(frame.getByText('Free shipping today. Questions?'));
    await frame.getByRole('textbox', { name: 'Message' }).fill('Does it ship to Lisbon?');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent'));

    // The chat is the loader's visitor's: the identity went from the page to the frame.
    const conversation = await parley.db
      .selectFrom('conversations')
      .select(['id', 'assignee_id'])
      .where('visitor_id', '=', visitorId)
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
    expect((await invitationsOf(visitorId))[1]).toMatchObject({
      agent_id: adminId,
      answered_at: expect.any(String),
    });
    // Once, not twice: the server's copy replaced the one the frame showed at first.
    await expect.poll(() => frame.getByText('Free shipping today. Questions?').count()).toBe(1);
    await page.context().close();
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
    const reply = (await config.json()) as { tracking: { trackAt: number[] } };
    expect(reply.tracking.trackAt).toEqual([12]);

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

describe('an automatic invitation', () => {
  it("fires through the beacon the loader sends at the rule's second on the page", async () => {
    const site = await parley.db.selectFrom('sites').select('id').executeTakeFirstOrThrow();
    const rule: InvitationRule = {
      id: 'pricing-12s',
      enabled: true,
      message: 'Comparing plans? Ask us.',
      urlPattern: '/pricing*',
      seconds: 12,
      minVisit: 1,
      referrer: '',
    };
    const rulesPath = `/api/v1/sites/${site.id}/invitation-rules`;
    const saved = await api({ url: parleyUrl, widgetKey }, admin, 'PUT', rulesPath, {
      rules: [rule],
    });
    expect(saved.status).toBe(200);
    const { page, visitorId } = await browseShop('/pricing');

    // Not a heartbeat's second: only the rule's asks the loader to report then.
    await page.clock.runFor(13_000);
    const card = page.getByRole('dialog', { name: 'Message from us' });
    await visible(card.getByText('Comparing plans? Ask us.'));
    expect(await invitationsOf(visitorId)).toEqual([
      expect.objectContaining({
        rule_id: 'pricing-12s',
        agent_id: null,
        shown_at: expect.any(String),
      }),
    ]);
    await card.getByRole('button', { name: 'Dismiss' }).click();
    await eventually(async () => {
      const [row] = await invitationsOf(visitorId);
      expect(row?.dismissed_at).toEqual(expect.any(String));
    });
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
