import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { createDb } from '../../src/server/db/database';
import { createAgent } from '../helpers/factories';
import { endpointOf, freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { launchBrowser, signInToConsole, visible } from './browser';

/**
 * Presence as agents see it: the header's "Status", a colleague's presence in Settings → Team
 * following it live, and a supervisor made in Team.
 */
const NADIA = { email: 'nadia@shop.test', password: 'nadia’s long password' };

let database: TestDatabase;
let parley: ServerProcess;
let browser: Browser;
let owner: Page;

/** Waits until `read` gives `expected` (the UI catches up with a push), for at most 10 s. */
async function until(read: () => Promise<string | null>, expected: string): Promise<void> {
  let last: string | null = null;
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    last = await read();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(last).toBe(expected);
}

const nadiaRow = (): Locator => owner.getByRole('row').filter({ hasText: NADIA.email });
/** What Team's Presence column says of Nadia. */
const nadiaPresence = async () =>
  (await nadiaRow().locator('.team-presence').textContent())?.trim() ?? null;

beforeAll(async () => {
  database = await createTestDatabase();
  const port = await freePort();
  parley = await spawnServer(database, port, {
    publicUrl: `http://127.0.0.1:${port}`,
    env: { PARLEY_PRESENCE_GRACE_MS: '1000' },
  });
  await endpointOf(parley, database);
  const db = await createDb(database.url, { poolSize: 1 });
  try {
    const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    await createAgent(db, org.id, { ...NADIA, role: 'agent' });
  } finally {
    await db.destroy();
  }
  browser = await launchBrowser();
  owner = await (await browser.newContext()).newPage();
  await signInToConsole(owner, parley.url, ADMIN);
  await (await visible(owner.getByRole('link', { name: 'Settings' }))).click();
  await (await visible(owner.getByRole('link', { name: 'Team' }))).click();
  await visible(nadiaRow());
});

afterAll(async () => {
  await browser?.close();
  parley?.child.kill('SIGKILL');
  await parley?.exited;
  await database?.drop();
});

describe('presence in the console', () => {
  it("shows the agent's own status in the header and a colleague's live in Team", async () => {
    const status = owner.getByRole('combobox', { name: 'Status', exact: true });
    await until(() => status.inputValue(), 'online');
    await until(nadiaPresence, 'Offline');

    const nadiaContext = await browser.newContext();
    const nadia = await nadiaContext.newPage();
    await signInToConsole(nadia, parley.url, NADIA);
    const own = nadia.getByRole('combobox', { name: 'Status', exact: true });
    await until(() => own.inputValue(), 'online');
    await until(nadiaPresence, 'Online');

    await own.selectOption({ label: 'Away' });
    await until(nadiaPresence, 'Away');
    await until(() => own.inputValue(), 'away');
    // A reload brings her back as she chose.
    await nadia.reload();
    await until(() => own.inputValue(), 'away');
    await own.selectOption({ label: 'Online' });
    await until(nadiaPresence, 'Online');

    await nadiaContext.close();
    await until(nadiaPresence, 'Offline');
  });

  it('makes an agent a supervisor', async () => {
    const role = nadiaRow().getByRole('combobox');
    await role.selectOption({ label: 'Supervisor' });
    await owner.reload();
    await until(() => nadiaRow().getByRole('combobox').inputValue(), 'supervisor');
  });
});
