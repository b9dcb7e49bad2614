import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database';
import { SITE_ORIGIN, tempDataDir, testConfig } from '../../../test/helpers/server';
import { buildApp, type Parley } from '../app';

let parley: Parley | undefined;
let database: TestDatabase | undefined;

afterEach(async () => {
  await parley?.http.close();
  await database?.drop();
  parley = undefined;
  database = undefined;
});

/** A dist/ folder shaped like Vite's output, so these tests need no build. */
function fakeDist(): string {
  const dist = tempDataDir();
  const files: Record<string, string> = {
    'loader/widget.js': 'console.log("loader")',
    'widget/index.html': '<!doctype html><title>frame</title>',
    'console/index.html': '<!doctype html><title>console</title>',
    'console/assets/app-abc123.js': 'console.log("app")',
  };
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    fs.writeFileSync(path.join(dist, file), content);
  }
  return dist;
}

async function start(distDir: string): Promise<{ parley: Parley; widgetKey: string }> {
  database = await createTestDatabase();
  parley = await buildApp(testConfig(database), { distDir });
  const site = await parley.db.selectFrom('sites').select('widget_key').executeTakeFirstOrThrow();
  return { parley, widgetKey: site.widget_key };
}

describe('web assets', () => {
  it('serves widget.js so that any site may load it', async () => {
    const { parley } = await start(fakeDist());
    const res = await parley.http.inject('/widget.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('lets only the site’s allowed origins frame its chat', async () => {
    const { parley, widgetKey } = await start(fakeDist());
    const framed = await parley.http.inject(`/widget/frame?site=${widgetKey}`);
    expect(framed.statusCode).toBe(200);
    expect(framed.headers['content-security-policy']).toMatch(`frame-ancestors ${SITE_ORIGIN}`);
    expect(framed.headers['x-frame-options']).toBeUndefined();

    const unknown = await parley.http.inject('/widget/frame?site=nope');
    expect(unknown.headers['content-security-policy']).toMatch("frame-ancestors 'none'");

    const nul = await parley.http.inject('/widget/frame?site=key%00');
    expect(nul.statusCode).toBe(400); // PostgreSQL cannot even look U+0000 up

    const repeated = await parley.http.inject(`/widget/frame?site=${widgetKey}&site=other`);
    expect(repeated.statusCode).toBe(400);
    expect(repeated.json()).toMatchObject({ error: { code: 'invalid_payload' } });
  });

  it('serves the console for its routes, but not for a missing file', async () => {
    const { parley } = await start(fakeDist());
    const route = await parley.http.inject('/console/conversations/123');
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<title>console</title>');
    expect(route.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect((await parley.http.inject('/console/assets/app-abc123.js')).body).toContain('app');

    const missing = await parley.http.inject('/console/assets/app-old999.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('embeds the demo site’s widget on /demo with one script tag', async () => {
    const { parley, widgetKey } = await start(fakeDist());
    const demo = await parley.http.inject('/demo');
    expect(demo.body).toContain(
      `<script src="/widget.js" data-site="${widgetKey}" async></script>`,
    );
  });

  it('says how to build when the web assets are missing', async () => {
    const { parley } = await start(tempDataDir());
    const res = await parley.http.inject('/console');
    expect(res.statusCode).toBe(503);
    expect(res.body).toMatch(/npm run build/);
  });
});
