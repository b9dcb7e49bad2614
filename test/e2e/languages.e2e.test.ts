import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { freePort, spawnServer, type ServerProcess } from '../helpers/process';
import { ADMIN } from '../helpers/server';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { launchBrowser, visible } from './browser';
import consoleEnglish from '../../src/console/i18n/en';
import * as widgetEnglish from '../../src/widget/i18n/locales/en';

/**
 * Issue 12, Done-when 1: the widget and the console in Arabic lay out right to left, mirrored;
 * in Japanese no English string of ours is left on screen. The browser's language decides (the
 * context's locale is navigator.languages), as it does for a real visitor and a new agent.
 */

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

async function pageIn(locale: string): Promise<Page> {
  return (await browser.newContext({ locale, viewport: { width: 1280, height: 800 } })).newPage();
}

/** The launcher on the demo page (its name is in the visitor's language, so found by place). */
const launcherOf = (page: Page): Locator => page.locator('parley-widget button.launcher');
const chatOf = (page: Page): FrameLocator => page.frameLocator('parley-widget iframe');

async function openWidget(page: Page): Promise<FrameLocator> {
  await page.goto(`${server.url}/demo`);
  await (await visible(launcherOf(page))).click();
  const chat = chatOf(page);
  await visible(chat.locator('textarea.input'));
  return chat;
}

async function sendFromWidget(chat: FrameLocator, text: string): Promise<void> {
  const box = chat.locator('textarea.input');
  await box.fill(text);
  await box.press('Enter');
  await visible(chat.getByText(text, { exact: true }));
}

/** Signs in by the form's fields (their labels are in the agent's language). */
async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/console`);
  await (await visible(page.locator('input[type="email"]'))).fill(ADMIN.email);
  await page.locator('input[type="password"]').fill(ADMIN.password);
  await page.locator('form button[type="submit"]').click();
  await visible(page.locator('.inbox__list'));
}

const directionOf = (locator: Locator) =>
  locator.evaluate((node) => getComputedStyle(node).direction);
const centreX = async (locator: Locator) => {
  const box = (await locator.boundingBox())!;
  return box.x + box.width / 2;
};

describe('in Arabic', () => {
  it('lays the widget out right to left: launcher on the left, the visitor’s bubbles on the left', async () => {
    const page = await pageIn('ar');
    const chat = await openWidget(page);
    const html = chat.locator('html');
    expect(await html.getAttribute('lang')).toBe('ar');
    expect(await html.getAttribute('dir')).toBe('rtl');
    expect(await directionOf(chat.locator('body'))).toBe('rtl');
    // The site says "right" (the default): for a right-to-left reader that is the left.
    expect(await centreX(launcherOf(page))).toBeLessThan(640);
    expect(await centreX(page.locator('parley-widget iframe'))).toBeLessThan(640);

    await sendFromWidget(chat, 'مرحبا، أين طلبي؟');
    const frameBox = (await page.locator('parley-widget iframe').boundingBox())!;
    const bubble = chat.locator('.from-visitor .bubble').last();
    expect((await centreX(bubble)) - frameBox.x).toBeLessThan(frameBox.width / 2);
    await page.context().close();
  });

  it('lays the console out right to left, the conversation list on the right', async () => {
    const page = await pageIn('ar');
    await signIn(page);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await directionOf(page.locator('body'))).toBe('rtl');
    expect(await centreX(page.locator('.inbox__list'))).toBeGreaterThan(
      await centreX(page.locator('.inbox__pane')),
    );
    await page.context().close();
  });
});

describe('Profile → Language', () => {
  it('switches the console at once, wins over the browser after a reload, and goes back', async () => {
    const page = await pageIn('en-US');
    await signIn(page);
    await page.goto(`${server.url}/console/settings/profile`);
    const select = await visible(page.getByRole('combobox', { name: 'Language', exact: true }));
    await visible(page.getByRole('textbox', { name: 'Languages I speak' }));
    await select.selectOption('ar');
    await page.waitForFunction(() => document.documentElement.dir === 'rtl');
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');

    await page.reload();
    await visible(page.locator('#profile-locale'));
    await page.waitForFunction(() => document.documentElement.lang === 'ar');
    await page.locator('#profile-locale').selectOption('');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    await page.context().close();
  });
});

describe('Parley.setLanguage', () => {
  it('switches an English visitor’s launcher and open chat to Arabic, live', async () => {
    const page = await pageIn('en-US');
    const chat = await openWidget(page);
    expect(await chat.locator('html').getAttribute('lang')).toBe('en');
    expect(await centreX(launcherOf(page))).toBeGreaterThan(640);

    await page.evaluate(() =>
      (window as { Parley?: { setLanguage(tag: string): void } }).Parley?.setLanguage('ar-EG'),
    );
    await page.waitForFunction(() => {
      const frame = document.querySelector('parley-widget')?.shadowRoot?.querySelector('iframe');
      return frame?.src.includes('lang=ar');
    });
    await visible(chatOf(page).locator('html[lang="ar"][dir="rtl"] textarea.input'));
    expect(await centreX(launcherOf(page))).toBeLessThan(640);
    expect(await launcherOf(page).getAttribute('aria-label')).not.toMatch(/chat/i);
    await page.context().close();
  });
});

/** Every string of a catalog (nested objects flattened), plural forms split. */
function stringsOf(catalog: unknown): string[] {
  if (typeof catalog === 'string') return catalog.split(' | ');
  if (typeof catalog !== 'object' || catalog === null) return [];
  return Object.values(catalog).flatMap(stringsOf);
}

/**
 * A matcher for the English strings that the Japanese catalog does not also use as they are
 * (a brand name, a "{used} / {max}"): a placeholder matches any text.
 */
function englishMatcher(english: unknown, japanese: unknown): (text: string) => boolean {
  const same = new Set(stringsOf(japanese));
  const patterns = stringsOf(english)
    // Only words of ours: "{field} ({language})" is all data.
    .filter((text) => !same.has(text) && /[A-Za-z]{2}/.test(text.replace(/\{\w+\}/g, '')))
    .map((text) => {
      const escaped = text.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{'([^']*)'\}/g, '$1');
      return new RegExp(`^${escaped.replace(/\\?\{\w+\\?\}/g, '.+')}$`);
    });
  return (text) => patterns.some((pattern) => pattern.test(text.trim()));
}

/** The texts a reader meets: visible text nodes, and labels, placeholders and titles. */
async function textsOn(frame: Frame | Page, root = 'body'): Promise<string[]> {
  return frame.locator(root).evaluate((start) => {
    const texts: string[] = [];
    const visit = (node: Node): void => {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        if (parent && parent.closest('[hidden], script, style') === null && node.textContent) {
          texts.push(node.textContent);
        }
        return;
      }
      if (node instanceof Element) {
        for (const name of ['aria-label', 'placeholder', 'title', 'alt']) {
          const value = node.getAttribute(name);
          if (value) texts.push(value);
        }
        if (node.shadowRoot) node.shadowRoot.childNodes.forEach(visit);
      }
      node.childNodes.forEach(visit);
    };
    visit(start);
    return texts.map((text) => text.trim()).filter((text) => text !== '');
  });
}

describe('in Japanese', () => {
  it('leaves no English string of the widget on screen', async () => {
    const japanese = (await import('../../src/widget/i18n/locales/ja')) as Record<string, unknown>;
    const isEnglish = englishMatcher(
      [widgetEnglish.launcher, widgetEnglish.chat],
      [japanese.launcher, japanese.chat],
    );
    const page = await pageIn('ja');
    const chat = await openWidget(page);
    await sendFromWidget(chat, 'こんにちは');
    const frame = page.frames().find((f) => f.url().includes('/widget/frame'))!;
    expect(await frame.locator('html').getAttribute('lang')).toBe('ja');
    const shown = [...(await textsOn(frame)), ...(await textsOn(page, 'parley-widget'))];
    expect(shown.length).toBeGreaterThan(3);
    expect(shown.filter(isEnglish)).toEqual([]);
    await page.context().close();
  });

  it('leaves no English string of the console on screen', async () => {
    const japanese = (await import('../../src/console/i18n/ja')).default;
    const isEnglish = englishMatcher(consoleEnglish, japanese);
    const page = await pageIn('ja');
    await signIn(page);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await visible(page.locator('.conversation-item').first());
    const inbox = await textsOn(page);
    await page.goto(`${server.url}/console/settings/profile`);
    await visible(page.locator('#profile-locale'));
    const profile = await textsOn(page);
    // The agent's own name is data, not ours, whatever language it is in.
    const me = (await (await page.request.get(`${server.url}/api/v1/me`)).json()) as {
      agent: { name: string };
    };
    const shown = [...inbox, ...profile].filter((text) => text !== me.agent.name);
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.filter(isEnglish)).toEqual([]);
    await page.context().close();
  });
});
