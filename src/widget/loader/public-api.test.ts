import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LauncherControl } from './launcher';
import { createPublicApi, installPublicApi, type IdentitySource } from './public-api';

const identityOf = (visitorId = 'v1'): IdentitySource & { replaced: unknown[] } => {
  const replaced: unknown[] = [];
  return {
    replaced,
    ensure: async () => ({ visitorId, token: 't1' }),
    save: (identity) => void replaced.push(identity),
  };
};

const launcher = (): LauncherControl & { calls: string[] } => {
  const calls: string[] = [];
  return {
    calls,
    setOpen: (open) => void calls.push(open ? 'open' : 'close'),
    setLanguage: (language) => void calls.push(`language ${language}`),
    restartFrame: () => void calls.push('restart'),
  };
};

const tracker = (tracked: unknown[]) => ({
  consent: () => undefined,
  track: (name: string, data: unknown) => void tracked.push([name, data]),
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('window.Parley', () => {
  it("replays the stub's queue in order on the same object, once the launcher is there", () => {
    const stub = {
      q: [
        ['setLanguage', ['de']],
        ['open', []],
        ['track', ['cart', { n: 1 }]],
      ],
    };
    vi.stubGlobal('window', { Parley: stub });
    const tracked: unknown[] = [];
    const { api, attach, language } = createPublicApi({
      siteKey: 's',
      parleyOrigin: 'https://parley.test',
      identity: identityOf(),
    });
    installPublicApi(api);
    // The language goes with the embed check, before there is a launcher to tell.
    expect(language()).toBe('de');
    expect((window as { Parley?: unknown }).Parley).toBe(stub);
    expect(stub.q).toBeUndefined();
    expect(tracked).toEqual([]);
    const control = launcher();
    attach(control, tracker(tracked));
    expect(control.calls).toEqual(['open']);
    expect(tracked).toEqual([['cart', { n: 1 }]]);
    api.close();
    api.setLanguage('ar');
    expect(control.calls).toEqual(['open', 'close', 'language ar']);
    expect(language()).toBe('ar');
  });

  it('tells every listener, even when one throws; ignores what is not a listener', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('console', { error: () => undefined });
    const { api, events } = createPublicApi({
      siteKey: 's',
      parleyOrigin: 'https://parley.test',
      identity: identityOf(),
    });
    const heard: unknown[] = [];
    api.on('unread', () => {
      throw new Error('page bug');
    });
    api.on('unread', (data) => heard.push(data));
    api.on('message', 'not a function' as never);
    api.on('nonsense' as never, () => heard.push('nonsense'));
    events.unread(3);
    events.message({ author: 'agent', name: 'Bo', body: 'Hi', at: '2026-01-01T00:00:00Z' });
    expect(heard).toEqual([{ count: 3 }]);
  });

  it('identify keeps a new identity and restarts the chat frame; the same one changes nothing', async () => {
    vi.stubGlobal('window', {});
    const replies = [
      { visitorId: 'v1', token: null, verified: true },
      { visitorId: 'canonical', token: 'new-token', verified: true },
    ];
    const bodies: unknown[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: { body: string }) => {
      bodies.push(JSON.parse(init.body));
      return new Response(JSON.stringify(replies.shift()), { status: 200 });
    });
    const identity = identityOf();
    const { api, attach } = createPublicApi({
      siteKey: 's',
      parleyOrigin: 'https://parley.test',
      identity,
    });
    const control = launcher();
    attach(control, tracker([]));
    expect(await api.identify({ id: 'u1', hash: 'h' })).toEqual({ verified: true });
    expect(identity.replaced).toEqual([]);
    expect(await api.identify({ id: 'u1', hash: 'h' })).toEqual({ verified: true });
    expect(identity.replaced).toEqual([{ visitorId: 'canonical', token: 'new-token' }]);
    expect(control.calls).toEqual(['restart']);
    expect(bodies[0]).toEqual({ siteKey: 's', visitorId: 'v1', token: 't1', id: 'u1', hash: 'h' });
  });

  it("identify resolves to the server's refusal code", async () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(JSON.stringify({ error: { code: 'identity_unverified', message: 'no' } }), {
          status: 403,
        }),
    );
    const { api } = createPublicApi({
      siteKey: 's',
      parleyOrigin: 'https://parley.test',
      identity: identityOf(),
    });
    expect(await api.identify({ id: 'u1' })).toEqual({ error: 'identity_unverified' });
  });
});
