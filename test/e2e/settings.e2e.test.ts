import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { launchBrowser, visible } from './browser';

/**
 * Done-when 1, 2 and 4 of issue 8, as a new owner lives them: put the widget on a shop of another
 * origin from Settings → Sites, invite an agent who joins and answers, change the accent colour
 * and see the open widget take it; every Settings page passes axe-core and works by keyboard.
 */
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let database: TestDatabase;
let parley: ServerProcess;
let browser: Browser;
let shop: http.Server;
/** What the shop's pages carry before </body>: the owner pastes the embed code here. */
let shopSnippet = '';
let ownerContext: BrowserContext;
let owner: Page;
let visitorPage: Page;
let agentContext: BrowserContext;
let agent: Page;
/** The owner's recovery codes, from turning two-factor sign-in on. */
let ownerRecovery: string[] = [];

const shopUrl = () => `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
const chatFrame = (page: Page) => page.frameLocator('iframe[title*="chat" i]');

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the console's CSP (no inline scripts) allows.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document)) as {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.join(', ')}`);
}

/** Presses `key` (Tab or Shift+Tab) until one of `target`'s elements has the focus. */
async function tabTo(page: Page, target: Locator, key = 'Tab'): Promise<void> {
  await visible(target.first());
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(key);
    if (await target.evaluateAll((els) => els.some((el) => el === document.activeElement))) return;
  }
  throw new Error(`${key} never reached ${target.toString()}`);
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await (await visible(page.getByRole('textbox', { name: 'Email' }))).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('tab', { name: /open/i }));
}

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  await endpointOf(parley, database);
  shop = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      `<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>${shopSnippet}</body></html>`,
    );
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser();
  ownerContext = await browser.newContext();
  await ownerContext.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: parley.url,
  });
  owner = await ownerContext.newPage();
  await owner.goto(`${parley.url}/console`);
  await signIn(owner, ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await browser?.close();
  shop?.close();
  parley?.child.kill('SIGTERM');
  await parley?.exited;
  await database?.drop();
});

describe('Settings, as a new owner uses them', () => {
  it('adds a site for a shop on another origin; the copied embed code makes a working chat there', async () => {
    await owner.getByRole('link', { name: 'Settings' }).click();
    await visible(owner.getByRole('heading', { name: 'Sites' }));
    expect(await seriousViolations(owner)).toEqual([]);

    // By keyboard alone: "Add site", then the form, submitted with Enter.
    await owner.getByRole('button', { name: 'Add site' }).focus();
    await owner.keyboard.press('Enter');
    await visible(owner.getByRole('textbox', { name: 'Name' }));
    await owner.keyboard.press('Tab');
    await owner.keyboard.type('My shop');
    await owner.keyboard.press('Tab');
    await owner.keyboard.type(`https://bad.example/path`);
    await owner.getByRole('button', { name: 'Create site' }).click();
    await visible(owner.getByRole('alert').getByText(/not an origin/));
    await owner.getByRole('textbox', { name: 'Allowed origins' }).fill(shopUrl());
    await owner.getByRole('textbox', { name: 'Allowed origins' }).focus();
    await owner.keyboard.press('Tab');
    await owner.keyboard.press('Enter');

    const embed = await visible(owner.getByRole('textbox', { name: 'Embed code' }));
    await expect.poll(() => embed.inputValue()).toContain('data-site=');
    await owner.getByRole('button', { name: 'Copy' }).click();
    await visible(owner.getByText('Copied to the clipboard.'));
    shopSnippet = await owner.evaluate(() => navigator.clipboard.readText());
    expect(shopSnippet).toBe(await embed.inputValue());
    expect(await seriousViolations(owner)).toEqual([]);

    visitorPage = await browser.newPage();
    await visitorPage.goto(shopUrl());
    await (await visible(visitorPage.getByRole('button', { name: /open chat/i }))).click();
    const frame = chatFrame(visitorPage);
    await (
      await visible(frame.getByRole('textbox', { name: 'Message' }))
    ).fill('Hello from my shop');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent'));

    await owner.getByRole('link', { name: 'Inbox' }).click();
    await (await visible(owner.getByText('Hello from my shop').first())).click();
    await (await visible(owner.getByRole('textbox', { name: 'Reply' }))).fill('Owner here!');
    await owner.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Owner here!'));
  });

  it('invites an agent who joins by the link, answers a chat, and cannot open Settings → Sites', async () => {
    await owner.getByRole('link', { name: 'Settings' }).click();
    await owner.getByRole('link', { name: 'Team' }).click();
    await visible(owner.getByRole('heading', { name: 'Team' }));
    await owner.getByRole('button', { name: 'Invite agent' }).click();
    await owner.getByRole('textbox', { name: 'Email' }).fill('nadia@shop.test');
    await owner.getByRole('combobox', { name: 'Role', exact: true }).selectOption('agent');
    await owner.getByRole('button', { name: 'Send invite' }).click();
    const link = await (
      await visible(owner.getByRole('textbox', { name: 'Invite link' }))
    ).inputValue();
    expect(link).toMatch(/\/console\/join#token=/);
    expect(await seriousViolations(owner)).toEqual([]);

    agentContext = await browser.newContext();
    agent = await agentContext.newPage();
    await agent.goto(link);
    await (await visible(agent.getByRole('textbox', { name: 'Name' }))).fill('Nadia');
    await agent.getByLabel('Password').fill('nadia’s long password');
    expect(await seriousViolations(agent)).toEqual([]);
    await agent.getByRole('button', { name: 'Join' }).click();
    await (await visible(agent.getByRole('link', { name: 'Sign in' }))).click();
    await signIn(agent, 'nadia@shop.test', 'nadia’s long password');

    // The owner steps away: Nadia is the one online, and routing gives her the next chat.
    await owner.getByRole('combobox', { name: 'Status', exact: true }).selectOption('away');
    const newcomer = await browser.newPage();
    await newcomer.goto(shopUrl());
    await (await visible(newcomer.getByRole('button', { name: /open chat/i }))).click();
    const frame = chatFrame(newcomer);
    await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill('Anyone there?');
    await frame.getByRole('button', { name: 'Send' }).click();
    await (await visible(agent.getByText('Anyone there?').first())).click();
    await (await visible(agent.getByRole('textbox', { name: 'Reply' }))).fill('Nadia here.');
    await agent.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Nadia here.'));
    await newcomer.close();

    expect(await agent.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await agent.goto(`${parley.url}/console/settings/sites`);
    await visible(agent.getByRole('alert').getByText('You are not allowed to do that.'));
    expect(await agent.getByRole('link', { name: 'Sites' }).count()).toBe(0);
    const status = await agent.evaluate(async () => (await fetch('/api/v1/sites')).status);
    expect(status).toBe(403);
    await visible(agent.getByRole('link', { name: 'Profile' }).first());
    expect(await seriousViolations(agent)).toEqual([]);
  });

  it('changes the accent colour, and the open widget on the shop takes it', async () => {
    await owner.getByRole('link', { name: 'Sites' }).click();
    await owner.getByRole('button', { name: 'My shop' }).click();
    const color = await visible(owner.getByRole('textbox', { name: 'Accent colour' }));
    await color.fill('#facc15');
    await visible(owner.getByText(/below the 4\.5:1/));
    await color.fill('#b91c1c');
    expect(await owner.getByText(/below the 4\.5:1/).count()).toBe(0);
    await owner.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(owner.getByText('Saved.'));

    const header = chatFrame(visitorPage).locator('header');
    await expect
      .poll(() => header.evaluate((e) => getComputedStyle(e).backgroundColor))
      .toBe('rgb(185, 28, 28)');
    const launcher = visitorPage.locator('parley-widget').locator('button.launcher');
    await expect
      .poll(() => launcher.evaluate((e) => getComputedStyle(e).backgroundColor))
      .toBe('rgb(185, 28, 28)');
  });

  it('sets up two-factor sign-in from Profile with the QR code, then signs in with a code', async () => {
    await owner.getByRole('link', { name: 'Profile' }).click();
    await (
      await visible(owner.getByRole('button', { name: 'Set up two-factor authentication' }))
    ).click();
    const qr = await visible(
      owner.getByRole('img', { name: 'QR code for your authenticator app' }),
    );
    // Drawn, not blocked by the console's CSP (img-src 'self' data:).
    expect(await qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await seriousViolations(owner)).toEqual([]);
    const secret = (await owner.locator('code').first().innerText()).trim();
    const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30 });
    await owner.getByRole('textbox', { name: 'Authentication code' }).fill(totp.generate());
    await owner.getByRole('button', { name: 'Turn on' }).click();
    await visible(owner.getByText('Two-factor authentication is on.'));
    expect(await owner.locator('.recovery code').count()).toBe(10);
    ownerRecovery = await owner.locator('.recovery code').allInnerTexts();

    const page = await browser.newPage();
    await page.goto(`${parley.url}/console`);
    await (await visible(page.getByRole('link', { name: 'Forgot password?' }))).click();
    await visible(page.getByText('parley reset-password --email'));
    await page.getByRole('textbox', { name: 'Email' }).fill(ADMIN.email);
    await page.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const code = await visible(page.getByRole('textbox', { name: 'Authentication code' }));
    expect(await seriousViolations(page)).toEqual([]);
    // The next period's code: the one used to turn it on is spent.
    await code.fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('tab', { name: /open/i }));
    await page.close();
  });

  it('Organization and Profile pass axe-core too', async () => {
    await owner.getByRole('link', { name: 'Organization' }).click();
    await visible(owner.getByRole('textbox', { name: 'Organization name' }));
    expect(await seriousViolations(owner)).toEqual([]);
    await owner.getByRole('link', { name: 'Profile' }).click();
    await visible(owner.getByRole('heading', { name: 'Profile' }));
    expect(await seriousViolations(owner)).toEqual([]);
  });

  it('works by keyboard alone on every Settings page; the owner then requires two-factor sign-in', async () => {
    const link = (name: string) => owner.getByRole('link', { name, exact: true });
    await owner.goto(`${parley.url}/console/settings/sites`);
    await tabTo(owner, owner.getByRole('button', { name: 'My shop' }));
    await owner.keyboard.press('Enter');
    await visible(owner.getByRole('textbox', { name: 'Accent colour' }));

    await tabTo(owner, link('Team'), 'Shift+Tab');
    await owner.keyboard.press('Enter');
    await tabTo(owner, owner.getByRole('button', { name: 'Invite agent' }));
    await owner.keyboard.press('Space');
    await visible(owner.getByRole('button', { name: 'Send invite' }));

    await tabTo(owner, link('Organization'), 'Shift+Tab');
    await owner.keyboard.press('Enter');
    const name = owner.getByRole('textbox', { name: 'Organization name' });
    await tabTo(owner, name);
    // Focused by Tab, the field's text is selected: typing replaces it.
    await owner.keyboard.type('Keyboard Shop');
    const requirement = owner.getByRole('checkbox', { name: 'Require two-factor authentication' });
    await tabTo(owner, requirement);
    await owner.keyboard.press('Space');
    expect(await requirement.isChecked()).toBe(true);
    expect(await seriousViolations(owner)).toEqual([]);
    await tabTo(owner, owner.getByRole('button', { name: 'Save' }));
    await owner.keyboard.press('Enter');
    await visible(owner.getByText('Saved.'));
    const saved = await owner.evaluate(async () => (await fetch('/api/v1/organization')).json());
    expect(saved.organization).toMatchObject({ name: 'Keyboard Shop', requireTwoFactor: true });

    await tabTo(owner, link('Profile'), 'Shift+Tab');
    await owner.keyboard.press('Enter');
    await tabTo(
      owner,
      owner.getByRole('textbox', { name: 'Authentication code or recovery code' }),
    );
    await owner.keyboard.type(ownerRecovery[0] ?? '');
    await tabTo(owner, owner.getByRole('button', { name: 'Get new recovery codes' }));
    await owner.keyboard.press('Enter');
    await expect.poll(() => owner.locator('.recovery code').allInnerTexts()).toHaveLength(10);
    const fresh = await owner.locator('.recovery code').allInnerTexts();
    expect(fresh).not.toContain(ownerRecovery[0]);
    expect(await seriousViolations(owner)).toEqual([]);
  });

  it('holds an agent without two-factor sign-in to Profile until they set it up, by keyboard', async () => {
    await agent.goto(`${parley.url}/console`);
    await visible(agent.getByRole('alert').getByText(/requires two-factor authentication/));
    expect(agent.url()).toContain('/console/settings/profile');
    const blocked = await agent.evaluate(async () => (await fetch('/api/v1/conversations')).json());
    expect(blocked.error.code).toBe('two_factor_setup_required');
    expect(await seriousViolations(agent)).toEqual([]);

    await tabTo(agent, agent.getByRole('button', { name: 'Set up two-factor authentication' }));
    await agent.keyboard.press('Space');
    await visible(agent.getByRole('img', { name: 'QR code for your authenticator app' }));
    expect(await seriousViolations(agent)).toEqual([]);
    const secret = (await agent.locator('code').first().innerText()).trim();
    const totp = new TOTP({ secret: Secret.fromBase32(secret), period: 30 });
    await tabTo(agent, agent.getByRole('textbox', { name: 'Authentication code' }));
    await agent.keyboard.type(totp.generate());
    await agent.keyboard.press('Enter');
    await visible(agent.getByText('Two-factor authentication is on.').first());
    expect(await agent.locator('.recovery code').count()).toBe(10);
    expect(await seriousViolations(agent)).toEqual([]);

    await agent.goto(`${parley.url}/console`);
    await visible(agent.getByRole('tab', { name: /open/i }));
    expect(agent.url()).not.toContain('/settings/profile');
  });
});
