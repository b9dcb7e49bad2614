import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

/**
 * Issue 10's Settings → Departments, as an owner uses it: the page explains departments, roles,
 * strategies and the queue; the owner adds a department, puts an agent in it, chooses its
 * strategy, renames and deletes one; the site offers the department in the pre-chat form, and a
 * visitor on /demo picks it.
 */
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AGENT = { name: 'Nadia', email: 'nadia@shop.test', password: 'nadia’s long password' };

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;
let owner: Page;

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document)) as {
      violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
    };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** The owner's view of the departments, from the API the page uses. */
const departments = () =>
  owner.evaluate(async () => {
    const res = await fetch('/api/v1/departments');
    return ((await res.json()) as { departments: unknown[] }).departments;
  });

beforeAll(async () => {
  const port = await freePort();
  database = await createTestDatabase();
  server = await spawnServer(database, port, {
    publicUrl: `http://127.0.0.1:${port}`,
    startTimeoutMs: 60_000,
  });
  browser = await launchBrowser();
  owner = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signInToConsole(owner, server.url, ADMIN);
  await visible(owner.getByRole('link', { name: 'Settings' }));
  // An agent to put in the department: invited and joined through the API the Team page uses.
  await owner.evaluate(async (agent) => {
    const headers = { 'content-type': 'application/json' };
    const invited = await fetch('/api/v1/team/invites', {
      method: 'POST',
      headers,
      body: JSON.stringify({ email: agent.email }),
    });
    const { invite } = (await invited.json()) as { invite: { link: string } };
    const token = new URL(invite.link).hash.replace('#token=', '');
    await fetch('/api/v1/invites/accept', {
      method: 'POST',
      headers,
      body: JSON.stringify({ token, name: agent.name, password: agent.password }),
    });
  }, AGENT);
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

describe('Settings → Departments', () => {
  it('explains departments, roles, strategies and the queue', async () => {
    await owner.getByRole('link', { name: 'Settings' }).click();
    await (await visible(owner.getByRole('link', { name: 'Departments' }))).click();
    const help = await visible(owner.getByRole('region', { name: 'How chats find an agent' }));
    const text = await help.innerText();
    for (const word of ['department', 'supervisor', 'round-robin', 'least busy', 'queue']) {
      expect(text.toLowerCase()).toContain(word);
    }
    expect(await seriousViolations(owner)).toEqual([]);
  });

  it('adds a department, puts an agent in it and chooses its strategy', async () => {
    const add = owner.getByRole('form', { name: 'Add a department' });
    await add.getByRole('textbox', { name: 'Department name' }).fill('Billing');
    await add.getByRole('button', { name: 'Add department' }).click();

    const billing = await visible(owner.getByRole('region', { name: 'Billing' }));
    await billing
      .getByRole('group', { name: 'Members' })
      .getByRole('checkbox', { name: 'Nadia' })
      .check();
    await billing.getByRole('combobox', { name: 'Routing strategy' }).selectOption('Least busy');
    await expect.poll(departments).toEqual([
      expect.objectContaining({
        name: 'Billing',
        strategy: 'least_busy',
        memberIds: [expect.any(String)],
      }),
    ]);
    expect(await seriousViolations(owner)).toEqual([]);

    // As stored: a reload shows the same.
    await owner.reload();
    const again = await visible(owner.getByRole('region', { name: 'Billing' }));
    expect(await again.getByRole('checkbox', { name: 'Nadia' }).isChecked()).toBe(true);
    expect(await again.getByRole('combobox', { name: 'Routing strategy' }).inputValue()).toBe(
      'least_busy',
    );
  });

  it('refuses a second department of the same name, renames one and deletes one after asking', async () => {
    const add = owner.getByRole('form', { name: 'Add a department' });
    await add.getByRole('textbox', { name: 'Department name' }).fill('billing');
    await add.getByRole('button', { name: 'Add department' }).click();
    await visible(
      owner
        .getByRole('alert')
        .getByText('Another department already has this name.', { exact: false }),
    );

    await add.getByRole('textbox', { name: 'Department name' }).fill('Returns');
    await add.getByRole('button', { name: 'Add department' }).click();
    const returns = await visible(owner.getByRole('region', { name: 'Returns' }));
    await returns.getByRole('textbox', { name: 'Department name' }).fill('Refunds');
    await returns.getByRole('button', { name: 'Rename' }).click();
    const refunds = await visible(owner.getByRole('region', { name: 'Refunds' }));

    await refunds.getByRole('button', { name: 'Delete department' }).click();
    const dialog = await visible(owner.getByRole('dialog', { name: 'Delete Refunds?' }));
    await dialog.getByRole('button', { name: 'Delete department' }).click();
    await expect.poll(() => owner.getByRole('region', { name: 'Refunds' }).count()).toBe(0);
    await expect.poll(async () => (await departments()).length).toBe(1);
  });

  it('saves the routing settings', async () => {
    const routing = owner.getByRole('form', { name: 'Routing' });
    await routing.getByRole('checkbox', { name: 'Accept transfers automatically' }).check();
    await routing.getByRole('spinbutton', { name: 'Transfer timeout (seconds)' }).fill('90');
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await visible(routing.getByText('Saved.'));
    const saved = await owner.evaluate(async () =>
      (await fetch('/api/v1/organization/routing')).json(),
    );
    expect(saved.routing).toMatchObject({ autoAcceptTransfers: true, transferTimeoutSeconds: 90 });
  });

  it('the site offers it in the pre-chat form, and a visitor on /demo picks it', async () => {
    await owner.getByRole('link', { name: 'Sites' }).click();
    await (await visible(owner.getByRole('button', { name: 'Demo site' }))).click();
    const offered = owner.getByRole('group', { name: 'Departments visitors may pick' });
    await (await visible(offered.getByRole('checkbox', { name: 'Billing' }))).check();
    await owner.getByRole('combobox', { name: 'Default department' }).selectOption('Billing');
    await owner.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(owner.getByText('Saved.'));
    expect(await seriousViolations(owner)).toEqual([]);

    const visitor = await browser.newPage();
    await visitor.goto(`${server.url}/demo`);
    await (await visible(visitor.getByRole('button', { name: /open chat/i }))).click();
    const frame = chatFrame(visitor);
    await (
      await visible(frame.getByRole('combobox', { name: 'Department' }))
    ).selectOption('Billing');
    await frame.getByRole('button', { name: 'Start chat' }).click();
    await visible(frame.getByRole('textbox', { name: 'Message' }));
    await visitor.close();
  });
});
