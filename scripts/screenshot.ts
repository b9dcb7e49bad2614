/**
 * Makes docs/screenshot.png for the README: a visitor on /demo chatting with an agent in the
 * console, side by side. Run with `npm run screenshot` after `npm run build`.
 */
import path from 'node:path';
import { launchBrowser, visible } from '../test/e2e/browser';
import { freePort, spawnServer } from '../test/helpers/process';
import { createTestDatabase } from '../test/helpers/database';
import { ADMIN } from '../test/helpers/server';

const port = await freePort();
const database = await createTestDatabase('sqlite');
const server = await spawnServer(database, port, { publicUrl: `http://127.0.0.1:${port}` });
const browser = await launchBrowser();
try {
  const visitor = await browser.newPage({ viewport: { width: 900, height: 760 } });
  await visitor.goto(`${server.url}/demo`);
  await (await visible(visitor.getByRole('button', { name: /open chat/i }))).click();
  const frame = visitor.frameLocator('iframe[title*="chat" i]');
  const say = async (text: string) => {
    await (await visible(frame.getByRole('textbox', { name: 'Message' }))).fill(text);
    await frame.getByRole('button', { name: 'Send' }).click();
    await visible(frame.getByText(text));
  };
  await say('Hi! Do you ship the Alpine 2 tent to Norway?');

  const agent = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  await agent.goto(`${server.url}/console`);
  await (await visible(agent.getByRole('textbox', { name: 'Email' }))).fill(ADMIN.email);
  await agent.getByRole('textbox', { name: 'Password' }).fill(ADMIN.password);
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await (await visible(agent.getByText('Do you ship the Alpine 2').first())).click();
  const reply = await visible(agent.getByRole('textbox', { name: 'Reply' }));
  await reply.fill('We do! Delivery to Norway takes 3–5 working days, and returns are free.');
  await agent.getByRole('button', { name: 'Send' }).click();
  await visible(frame.getByText('Delivery to Norway'));
  await say('Perfect, thank you!');
  await visible(agent.getByText('Perfect, thank you!').last());
  await reply.pressSequentially('You’re welcome', { delay: 20 });

  const out = path.resolve(import.meta.dirname, '../docs');
  await agent.screenshot({ path: path.join(out, 'screenshot.png') });
  await visitor.screenshot({ path: path.join(out, 'screenshot-widget.png') });
  console.log(`wrote ${out}/screenshot.png and screenshot-widget.png`);
} finally {
  await browser.close();
  server.child.kill('SIGTERM');
  await server.exited;
  await database.drop();
}
