import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { plainText } from '../../protocol/schemas';
import { notFound } from '../errors';
import { parseInput } from '../validation';

/** What the web assets need to know of sites: who may frame a site's chat, and the demo's key. */
export interface SiteLookup {
  allowedOrigins(widgetKey: string): Promise<string[] | undefined>;
  demoWidgetKey(): Promise<string | undefined>;
}
import { renderDemoPage } from './demo-page';

/**
 * Serves what Vite built into `dist/`: the loader at /widget.js, the widget frame at
 * /widget/frame, the console at /console (history-mode fallback) and the /demo page.
 */
export async function webAssets(
  app: FastifyInstance,
  distDir: string,
  sites: SiteLookup,
): Promise<void> {
  const built = fs.existsSync(path.join(distDir, 'console', 'index.html'));
  if (!built) {
    app.log.warn(`no built web assets in ${distDir}: run "npm run build"`);
    const notBuilt = async (_: unknown, reply: FastifyReply) =>
      reply.status(503).type('text/plain').send('Web assets are not built: run "npm run build".');
    for (const url of ['/widget.js', '/widget/frame', '/console', '/console/*', '/demo'])
      app.get(url, notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders: (res, filePath) => {
      // Vite names assets by content hash, so they never change under the same URL.
      if (filePath.includes(`${path.sep}assets${path.sep}`)) {
        res.header('cache-control', 'public, max-age=31536000, immutable');
      }
    },
  });

  app.get('/widget.js', (_request, reply) =>
    reply
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=300')
      .sendFile('loader/widget.js'),
  );

  const frameHtml = fs.readFileSync(path.join(distDir, 'widget', 'index.html'), 'utf8');
  app.get('/widget/frame', async (request, reply) => {
    const { site: key } = parseInput(frameQuery, request.query);
    const origins = key ? await sites.allowedOrigins(key) : undefined;
    // Only the site's own pages may frame its chat (clickjacking defence).
    const ancestors = origins && origins.length > 0 ? origins.join(' ') : "'none'";
    reply.removeHeader('x-frame-options');
    return reply
      .header('content-security-policy', `${frameCsp}; frame-ancestors ${ancestors}`)
      .header('cache-control', 'no-cache')
      .type('text/html')
      .send(frameHtml);
  });

  const consoleIndex = (request: FastifyRequest, reply: FastifyReply) => {
    // Client-side routes get the app; a missing file (a stale asset URL) must not get HTML.
    if (/\.\w+$/.test(request.url.split('?')[0] ?? '')) throw notFound('File');
    return reply.header('cache-control', 'no-cache').sendFile('console/index.html');
  };
  app.get('/console', consoleIndex);
  app.get('/console/*', consoleIndex);
  app.get('/', (_request, reply) => reply.redirect('/console/'));

  app.get('/demo', async (_request, reply) => {
    return reply.type('text/html').send(renderDemoPage((await sites.demoWidgetKey()) ?? ''));
  });
}

// A repeated `?site=` arrives as an array: refuse it rather than look it up.
const frameQuery = z.object({ site: plainText(64).optional() });

const frameCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');
