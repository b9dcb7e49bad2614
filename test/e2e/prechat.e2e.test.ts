import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

/**
 * Issue 8's pre-chat form, as an owner and a visitor live it: the owner makes the email required
 * in Settings → Sites, the visitor on /demo must give it before the composer shows, and the
 * agent sees the visitor's name and email instead of "Visitor 8996b0".
 */
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let owner: Page;
let visitor: Page;

beforeAll(async () => {
  const port = await freePort();
  database = await createTestDatabase();
  server = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  browser = await launchBrowser();
  owner = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  visitor = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

/** The chat frame itself, for what a locator cannot ask (focus, axe-core). */
function frameOf(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/widget/frame'));
  if (!frame) throw new Error('no chat frame');
  return frame;
}

/** axe-core's serious and critical violations in the chat frame as it is now. */
async function seriousViolations(frame: Frame): Promise<string[]> {
  await frame.evaluate(AXE);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document)) as {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
    };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('the pre-chat form', () => {
  it('the owner makes the email required in Settings → Sites', async () => {
    await signInToConsole(owner, server.url, ADMIN);
    await (await visible(owner.getByRole('link', { name: 'Settings' }))).click();
    await (await visible(owner.getByRole('button', { name: 'Demo site' }))).click();
    await (await visible(owner.getByLabel('Ask for name'))).selectOption('optional');
    await owner.getByLabel('Ask for email').selectOption('required');
    await owner.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(owner.getByText('Saved.'));
  });

  it('the visitor must give a valid email before the composer shows', async () => {
    await visitor.goto(`${server.url}/demo`);
    await (await visible(visitor.getByRole('button', { name: /open chat/i }))).click();
    const frame = chatFrame(visitor);
    const email = await visible(frame.getByRole('textbox', { name: 'Email', exact: true }));
    const name = frame.getByRole('textbox', { name: 'Name', exact: true });
    expect(await frame.getByRole('textbox', { name: 'Message' }).isVisible()).toBe(false);
    expect(await email.getAttribute('required')).not.toBeNull();
    expect(await name.getAttribute('required')).toBeNull();
    expect(await seriousViolations(frameOf(visitor))).toEqual([]);

    // By keyboard: Enter on an empty form says what is missing and puts the focus there.
    await name.focus();
    await visitor.keyboard.type('Ada Lovelace');
    await visitor.keyboard.press('Enter');
    await visible(frame.getByText('Please fill this in.'));
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await frameOf(visitor).evaluate(() => document.activeElement?.id)).toBe('prechat-email');

    await visitor.keyboard.type('ada.example.com');
    await visitor.keyboard.press('Enter');
    await visible(frame.getByText('Enter an email address like name@example.com.'));
    expect(await seriousViolations(frameOf(visitor))).toEqual([]);

    await email.fill('ada@example.com');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    const message = await visible(frame.getByRole('textbox', { name: 'Message' }));
    expect(await email.isVisible()).toBe(false);
    await message.fill('Where is my order?');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent', { exact: true }));
  });

  it('the agent sees the visitor’s name and email', async () => {
    await owner
      .getByRole('link', { name: /inbox|conversations/i })
      .first()
      .click();
    await (await visible(owner.getByText('Ada Lovelace').first())).click();
    await visible(owner.getByRole('heading', { name: 'Ada Lovelace' }));
    await visible(owner.getByRole('link', { name: 'ada@example.com' }));
  });

  it('a returning visitor is not asked again', async () => {
    // The chat was open: it opens again by itself after the reload.
    await visitor.reload();
    const frame = chatFrame(visitor);
    await visible(frame.getByText('Where is my order?'));
    await visible(frame.getByRole('textbox', { name: 'Message' }));
    expect(await frame.getByRole('textbox', { name: 'Email', exact: true }).isVisible()).toBe(
      false,
    );
  });

  it('asks again when the server no longer knows this browser’s visitor', async () => {
    // A forgotten visitor token (90 days unused): the browser still remembers it answered.
    await frameOf(visitor).evaluate(() => {
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith('parley:visitor:')) localStorage.removeItem(key);
      }
    });
    await visitor.reload();
    const frame = chatFrame(visitor);
    await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill('Hello again');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Not sent: tell us your name and email first.'));
    const email = await visible(frame.getByRole('textbox', { name: 'Email', exact: true }));
    await email.fill('ada@example.com');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill('Hello again');
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText('Sent', { exact: true }));
    // Answered: the form does not come back for the refusal it already asked about.
    expect(await email.isVisible()).toBe(false);
  });
});
