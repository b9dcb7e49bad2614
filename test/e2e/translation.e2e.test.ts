import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { createDb, type Db } from '../../src/server/db/database';
import { createAgent } from '../helpers/factories';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { ADMIN } from '../helpers/server';
import { chatFrame, launchBrowser, signInToConsole, visible } from './browser';

/**
 * Issue 12, done-when 4: a visitor whose browser is Spanish chats in Spanish with an agent whose
 * console is English, each reading the other in their own language with the original one click
 * away; a second agent, whose console is Chinese, reads the same conversation in Chinese. The
 * translations come from a local server speaking LibreTranslate's API.
 */
const PASSWORD = 'a long enough password';
const VISITOR_ES = 'Hola, necesito ayuda con mi pedido';
const VISITOR_EN = 'Hello, I need help with my order';
const VISITOR_ZH = '你好，我的订单需要帮助';
const REPLY_EN = 'Your order ships tomorrow';
const REPLY_ES = 'Su pedido sale mañana';
const REPLY_ZH = '您的订单明天发货';

/** Each sentence of the test in the three languages, by LibreTranslate's codes (zh: Simplified). */
const SENTENCES: Record<string, string>[] = [
  { es: VISITOR_ES, en: VISITOR_EN, zh: VISITOR_ZH },
  { es: REPLY_ES, en: REPLY_EN, zh: REPLY_ZH },
];

/**
 * LibreTranslate's `POST /translate` ({q, source, target, format} → {translatedText}) for the
 * sentences above; any other text is refused as LibreTranslate refuses what it cannot read.
 */
async function startFakeLibreTranslate(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/translate')
        return reply(404, { error: 'Not found' });
      let body: { q?: unknown; target?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return reply(400, { error: 'Invalid JSON' });
      }
      const { q, target } = body;
      if (typeof q !== 'string' || typeof target !== 'string') {
        return reply(400, { error: 'Invalid request: missing q or target' });
      }
      const into = target.toLowerCase().split('-')[0]!;
      const sentence = SENTENCES.find((s) => Object.values(s).includes(q.trim()));
      const translatedText = sentence?.[into];
      if (translatedText === undefined) return reply(400, { error: `Cannot translate: ${q}` });
      return reply(200, { translatedText });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let database: TestDatabase;
let server: ServerProcess;
let provider: { url: string; server: Server };
let db: Db;
let browser: Browser;
let visitor: Page;
let ana: Page;
let li: Page;

/** An agent of the organization, signed in, in a browser whose language is `locale`. */
async function agent(
  name: string,
  locale: string,
  role: 'agent' | 'supervisor' = 'agent',
): Promise<Page> {
  const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const email = `${name.toLowerCase()}@shop.test`;
  const id = await createAgent(db, org.id, { email, password: PASSWORD, role });
  await db
    .updateTable('agents')
    .set({ name, chosen_status: 'online' })
    .where('id', '=', id)
    .execute();
  const page = await (
    await browser.newContext({ locale, viewport: { width: 1280, height: 800 } })
  ).newPage();
  if (locale.startsWith('en')) {
    await signInToConsole(page, server.url, { email, password: PASSWORD });
  } else {
    // The sign-in page is in the browser's language already: its fields by id.
    await page.goto(`${server.url}/console`);
    await (await visible(page.locator('#sign-in-email'))).fill(email);
    await page.locator('#sign-in-password').fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
  }
  await visible(page.getByRole('tab').first());
  return page;
}

async function valueOf(field: Locator, expected: string): Promise<void> {
  await vi.waitFor(async () => expect(await field.inputValue()).toBe(expected), {
    timeout: 15_000,
    interval: 100,
  });
}

beforeAll(async () => {
  provider = await startFakeLibreTranslate();
  const port = await freePort();
  database = await createTestDatabase();
  server = await spawnServer(database, port, {
    publicUrl: `http://127.0.0.1:${port}`,
    env: { PARLEY_TRANSLATE_PROVIDER: 'libretranslate', PARLEY_TRANSLATE_URL: provider.url },
    // A loaded machine (others test on it too) may take longer than the default.
    startTimeoutMs: 60_000,
  });
  db = await createDb(database.url, { poolSize: 2 });
  browser = await launchBrowser();
  ana = await agent('Ana', 'en-US');
  visitor = await (
    await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 800 } })
  ).newPage();
});

afterAll(async () => {
  await browser?.close();
  await db?.destroy();
  server?.child.kill('SIGTERM');
  await server?.exited;
  await database?.drop();
  provider?.server.closeAllConnections();
  await new Promise((resolve) => provider?.server.close(resolve));
});

describe('a Spanish visitor, an English agent and a Chinese agent', () => {
  it('the visitor sees the widget in Spanish and writes Spanish', async () => {
    await visitor.goto(`${server.url}/demo`);
    await (await visible(visitor.getByRole('button', { name: 'Abrir chat' }))).click();
    const frame = chatFrame(visitor);
    await (await visible(frame.getByRole('textbox', { name: 'Mensaje' }))).fill(VISITOR_ES);
    await frame.getByRole('button', { name: 'Enviar' }).click();
    await visible(frame.getByRole('log').getByText(VISITOR_ES));
  });

  it('the English agent reads it in English, with the Spanish one click away', async () => {
    await (await visible(ana.getByText(VISITOR_ES).first())).click();
    const log = ana.getByRole('log');
    await visible(log.getByText(VISITOR_EN));
    await log.getByRole('button', { name: 'Show original' }).click();
    await visible(log.getByText(VISITOR_ES));
    expect(await log.getByText(VISITOR_EN).count()).toBe(0);
    await log.getByRole('button', { name: 'Show translation' }).click();
    await visible(log.getByText(VISITOR_EN));
  });

  it('the agent’s English reply, previewed in Spanish, reaches the visitor in Spanish', async () => {
    const toggle = ana.getByRole('checkbox', { name: 'Translate reply' });
    expect(await (await visible(toggle)).isChecked()).toBe(true);
    await ana.getByRole('textbox', { name: 'Reply' }).fill(REPLY_EN);
    await valueOf(await visible(ana.getByRole('textbox', { name: 'Translation' })), REPLY_ES);
    await ana.getByRole('button', { name: 'Send' }).click();
    const log = ana.getByRole('log');
    await visible(log.getByText(REPLY_EN));
    // The agent can read what the visitor reads.
    await log.getByRole('button', { name: 'Show translation' }).click();
    await visible(log.getByText(REPLY_ES));
    await log.getByRole('button', { name: 'Show original' }).last().click();
    await visible(log.getByText(REPLY_EN));

    const frame = chatFrame(visitor);
    const reply = frame.getByRole('log').getByText(REPLY_ES);
    await visible(reply);
    // What the agent wrote is one click away for the visitor too.
    await frame
      .getByRole('log')
      .getByRole('button', { name: /original/i })
      .click();
    await visible(frame.getByRole('log').getByText(REPLY_EN));
  });

  it('a Chinese-speaking agent reads the same conversation in Chinese', async () => {
    li = await agent('Li', 'zh-CN', 'supervisor');
    expect(await li.evaluate(() => document.documentElement.lang)).toBe('zh-Hans');
    await (await visible(li.getByText(REPLY_EN).first())).click();
    const log = li.getByRole('log');
    await visible(log.getByText(VISITOR_ZH));
    await visible(log.getByText(REPLY_ZH));
  });
});

describe('Settings → Translation', () => {
  it('shows a provider set by the environment read-only, and keeps a glossary', async () => {
    const admin = await (
      await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })
    ).newPage();
    await signInToConsole(admin, server.url, ADMIN);
    await visible(admin.getByRole('tab').first());
    await admin.goto(`${server.url}/console/settings/translation`);
    await visible(admin.getByText(/Set by the server’s environment/));
    await visible(admin.getByText('LibreTranslate'));
    expect(await admin.getByRole('combobox', { name: 'Provider' }).count()).toBe(0);

    await admin.getByRole('textbox', { name: 'Term' }).fill('Parley');
    await admin.getByRole('button', { name: 'Add term' }).click();
    const terms = admin.getByRole('list', { name: 'Glossary terms' });
    await visible(terms.getByText('Never translate'));
    await admin.getByRole('textbox', { name: 'Term' }).fill('order');
    await admin.getByRole('combobox', { name: 'Rule' }).selectOption('as');
    await admin.getByRole('textbox', { name: 'Translation' }).fill('pedido');
    await admin.getByRole('button', { name: 'Add term' }).click();
    await visible(terms.getByText('Translate as “pedido”'));

    await admin.getByRole('button', { name: 'Remove Parley' }).click();
    await terms.getByText('Parley').waitFor({ state: 'detached' });
    await admin.reload();
    await visible(terms.getByText('order'));
    expect(await terms.getByText('Parley', { exact: true }).count()).toBe(0);
  });
});
