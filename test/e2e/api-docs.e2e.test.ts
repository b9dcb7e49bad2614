import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchBrowser, visible } from './browser';

let database: TestDatabase;
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  database = await createTestDatabase();
  server = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
});

describe('the API documentation', () => {
  it('renders the OpenAPI document at /api/docs, with no script allowed beyond its own files', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server.url}/api/docs/`);
    await visible(page.getByRole('heading', { name: /Parley API/ }));
    await visible(page.getByText('/api/v1/conversations/{id}/messages').first());
    expect(violations).toEqual([]);
    await page.close();
  });
});
