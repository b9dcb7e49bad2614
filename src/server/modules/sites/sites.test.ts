import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, codeOf } from '../../../../test/helpers/api';
import {
  connectVisitor,
  createVisitor,
  login,
  nextEvent,
  requestOk,
} from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { SITE_ORIGIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { SiteSettings, WidgetSettings } from '../../../protocol/settings-schemas';

let server: TestServer;
let owner: string;

beforeEach(async () => {
  server = await startServer();
  owner = await login(server);
});
afterEach(async () => {
  await server.close();
});

const sitesOf = async (cookie = owner) =>
  (await api<{ sites: SiteSettings[] }>(server, cookie, 'GET', '/api/v1/sites')).body.sites;
const demoSite = async () => (await sitesOf())[0]!;

describe('Settings → Sites', () => {
  it('adds a site with its own key and normalized origins, and lists it', async () => {
    const res = await api<{ site: SiteSettings }>(server, owner, 'POST', '/api/v1/sites', {
      name: 'My shop',
      allowedOrigins: ['https://Shop.Example', 'http://localhost:3000', 'https://b.example:443/'],
    });
    expect(res.status).toBe(201);
    expect(res.body.site).toMatchObject({
      name: 'My shop',
      allowedOrigins: ['https://shop.example', 'http://localhost:3000', 'https://b.example'],
      widget: { accentColor: '#4f46e5', position: 'right' },
    });
    expect(res.body.site.widgetKey).toMatch(/^[\w-]{16}$/);
    expect(res.body.site.widgetKey).not.toBe(server.widgetKey);
    expect((await sitesOf()).map((s) => s.name)).toEqual(['Demo site', 'My shop']);
  });

  it.each([
    ['a path', 'https://shop.example/store'],
    ['a wildcard', 'https://*.shop.example'],
    ['user info', 'https://user:pw@shop.example'],
    ['trailing junk', 'https://shop.example:443x'],
    ['a query', 'https://shop.example?x=1'],
    ['another scheme', 'ftp://shop.example'],
    ['no scheme', 'shop.example'],
    ['a port past 65535', 'https://shop.example:70000'],
  ])('refuses an origin with %s, and changes nothing', async (_what, origin) => {
    const site = await demoSite();
    const res = await api(server, owner, 'PATCH', `/api/v1/sites/${site.id}`, {
      name: 'Renamed',
      allowedOrigins: ['https://ok.example', origin],
    });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe('invalid_origin');
    expect(JSON.stringify(res.body)).toContain('allowedOrigins.1');
    expect(await demoSite()).toEqual(site);
  });

  it.each(['red', '#12345', '#gggggg', 'rgb(0,0,0)', '#1234567'])(
    'refuses the colour %s with invalid_color, and changes nothing',
    async (accentColor) => {
      const site = await demoSite();
      const res = await api(server, owner, 'PATCH', `/api/v1/sites/${site.id}`, {
        widget: { accentColor },
      });
      expect(res.status).toBe(400);
      expect(codeOf(res)).toBe('invalid_color');
      expect(await demoSite()).toEqual(site);
    },
  );

  it('changes the appearance and keeps what was not sent', async () => {
    const site = await demoSite();
    await api(server, owner, 'PATCH', `/api/v1/sites/${site.id}`, {
      widget: { accentColor: '#0F766E', position: 'left', offsetX: 24, title: 'Ask the shop' },
    });
    const res = await api<{ site: SiteSettings }>(
      server,
      owner,
      'PATCH',
      `/api/v1/sites/${site.id}`,
      {
        widget: { greeting: 'Hello!', preChat: { name: 'required', email: 'optional' } },
      },
    );
    expect(res.body.site.widget).toEqual({
      accentColor: '#0f766e',
      position: 'left',
      offsetX: 24,
      offsetY: 20,
      title: 'Ask the shop',
      greeting: 'Hello!',
      launcherLabel: '',
      preChat: { name: 'required', email: 'optional', departments: [] },
      sneakPeek: false,
      offlineMessage: '',
      defaultLanguage: 'en',
      localized: {},
    });
    expect((await demoSite()).widget).toEqual(res.body.site.widget);
  });

  it('gives the widget its settings from any page, and pushes changes to open widgets', async () => {
    const site = await demoSite();
    const config = await fetch(`${server.url}/api/v1/widget/sites/${server.widgetKey}/config`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(config.status).toBe(200);
    expect(config.headers.get('access-control-allow-origin')).toBe('*');
    expect(await config.json()).toMatchObject({ widget: { accentColor: '#4f46e5' } });

    const widget = await connectVisitor(server, await createVisitor(server));
    const pushed = nextEvent<{ widget: WidgetSettings }>(widget, 'site:updated');
    await api(server, owner, 'PATCH', `/api/v1/sites/${site.id}`, {
      widget: { accentColor: '#b91c1c' },
    });
    expect((await pushed).widget.accentColor).toBe('#b91c1c');
    widget.close();
  });

  it('deletes a site: its widget stops, its conversations stay', async () => {
    const site = await demoSite();
    const widget = await connectVisitor(server, await createVisitor(server));
    const { message } = await requestOk<{ message: { conversationId: string } }>(
      widget,
      'message:send',
      { clientId: 'c1', body: 'Still there?' },
    );
    const closed = new Promise<void>((resolve) => widget.once('disconnect', () => resolve()));
    expect((await api(server, owner, 'DELETE', `/api/v1/sites/${site.id}`)).status).toBe(204);
    await closed;

    expect(await sitesOf()).toEqual([]);
    const config = await fetch(`${server.url}/api/v1/widget/sites/${server.widgetKey}/config`);
    expect(config.status).toBe(404);
    await expect(createVisitor(server, SITE_ORIGIN)).rejects.toThrow(/401/);
    const conversation = await api(
      server,
      owner,
      'GET',
      `/api/v1/conversations/${message.conversationId}/messages`,
    );
    expect(conversation.status).toBe(200);
    expect(JSON.stringify(conversation.body)).toContain('Still there?');
    expect((await api(server, owner, 'DELETE', `/api/v1/sites/${site.id}`)).status).toBe(404);
  });

  it('refuses agents, and answers not_found for another organization’s site', async () => {
    const org = await server.parley.db
      .selectFrom('organizations')
      .select('id')
      .executeTakeFirstOrThrow();
    await createAgent(server.parley.db, org.id, {
      email: 'agent@shop.test',
      password: 'a long enough password',
      role: 'agent',
    });
    const agent = await login(server, {
      email: 'agent@shop.test',
      password: 'a long enough password',
    });
    const site = await demoSite();
    expect(codeOf(await api(server, agent, 'GET', '/api/v1/sites'))).toBe('forbidden');
    expect(codeOf(await api(server, agent, 'POST', '/api/v1/sites', { name: 'x' }))).toBe(
      'forbidden',
    );
    expect(
      codeOf(await api(server, agent, 'PATCH', `/api/v1/sites/${site.id}`, { name: 'x' })),
    ).toBe('forbidden');
    expect(codeOf(await api(server, agent, 'DELETE', `/api/v1/sites/${site.id}`))).toBe(
      'forbidden',
    );

    await createOrganization(
      server.parley.db,
      'other',
      { email: 'owner@other.test', password: 'a long enough password' },
      'https://other.test',
    );
    const other = await login(server, {
      email: 'owner@other.test',
      password: 'a long enough password',
    });
    for (const [method, body] of [['GET'], ['PATCH', { name: 'mine' }], ['DELETE']] as const) {
      const res = await api(server, other, method, `/api/v1/sites/${site.id}`, body);
      expect(res.status, method).toBe(404);
    }
    expect(await demoSite()).toEqual(site);
  });
});
