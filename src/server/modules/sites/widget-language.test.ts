import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../../../../test/helpers/api';
import { login } from '../../../../test/helpers/clients';
import { SITE_ORIGIN, startServer, type TestServer } from '../../../../test/helpers/server';
import type { WidgetConfig } from '../../../protocol/embedding';
import type { SiteSettings } from '../../../protocol/settings-schemas';

let server: TestServer;
let siteId: string;
let owner: string;

beforeEach(async () => {
  server = await startServer();
  siteId = (await server.parley.db.selectFrom('sites').select('id').executeTakeFirstOrThrow()).id;
  owner = await login(server);
});
afterEach(async () => {
  await server.close();
});

const changeWidget = (widget: unknown) =>
  api<{ site: SiteSettings }>(server, owner, 'PATCH', `/api/v1/sites/${siteId}`, { widget });

async function embedCheck(lang?: string): Promise<WidgetConfig> {
  const query = lang === undefined ? '' : `&lang=${encodeURIComponent(lang)}`;
  const res = await fetch(`${server.url}/api/v1/widget/config?site=${server.widgetKey}${query}`, {
    headers: { origin: SITE_ORIGIN },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as WidgetConfig;
}

describe("the widget's language and the site's texts per language", () => {
  it('keeps a default language and texts per language, dropping empty ones', async () => {
    const res = await changeWidget({
      defaultLanguage: 'de',
      offlineMessage: 'Leave us a note',
      localized: {
        es: { title: 'Hablemos', greeting: '  ', offlineMessage: 'Déjanos un mensaje' },
        ja: { launcherLabel: '' },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.site.widget).toMatchObject({
      defaultLanguage: 'de',
      offlineMessage: 'Leave us a note',
      localized: { es: { title: 'Hablemos', offlineMessage: 'Déjanos un mensaje' } },
    });
    expect(Object.keys(res.body.site.widget.localized)).toEqual(['es']);
    // Another change keeps them.
    const later = await changeWidget({ title: 'Chat' });
    expect(later.body.site.widget.localized).toEqual(res.body.site.widget.localized);
  });

  it('refuses a language without a catalog, and texts longer than the plain fields', async () => {
    expect((await changeWidget({ defaultLanguage: 'nl' })).status).toBe(400);
    expect((await changeWidget({ localized: { nl: { title: 'Hallo' } } })).status).toBe(400);
    expect((await changeWidget({ localized: { es: { title: 'x'.repeat(61) } } })).status).toBe(400);
    expect((await changeWidget({ localized: { es: { colour: 'red' } } })).status).toBe(400);
  });

  it('answers the loader in the first language asked that has a catalog, else the default', async () => {
    await changeWidget({ defaultLanguage: 'de' });
    expect((await embedCheck('fr-CA,en')).language).toBe('fr');
    expect((await embedCheck('zh-TW')).language).toBe('zh-Hant');
    expect((await embedCheck('pt-PT,es')).language).toBe('pt-BR');
    expect((await embedCheck('nl,sv')).language).toBe('de');
    const answer = await embedCheck();
    expect(answer.language).toBe('de');
    expect(Object.keys(answer.launcher ?? {})).toEqual(
      expect.arrayContaining(['openChat', 'closeChat', 'frameTitle', 'reply', 'dismiss']),
    );
  });
});
