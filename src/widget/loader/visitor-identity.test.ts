import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStorage } from '../../client/storage';
import { identityStore } from './visitor-identity';

const SITE = 'site-1';
const KEY = `parley:visitor:${SITE}`;

describe('the loader identity store', () => {
  let made: number;
  /** Runs while POST /widget/visitors is on its way, as a frame's report would. */
  let meanwhile: () => void;

  beforeEach(() => {
    made = 0;
    meanwhile = () => undefined;
    vi.stubGlobal('localStorage', createMemoryStorage());
    vi.stubGlobal('navigator', { language: 'en' });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        made += 1;
        meanwhile();
        return new Response(JSON.stringify({ visitorId: `v${made}`, token: `t${made}` }));
      }),
    );
  });

  afterEach(() => vi.unstubAllGlobals());

  it('marks an identity it made as fresh until one is saved', async () => {
    const store = identityStore(SITE, 'https://parley.example');
    expect(await store.ensure()).toEqual({ visitorId: 'v1', token: 't1' });
    expect(store.current()).toEqual({ visitorId: 'v1', token: 't1' });
    expect(store.fresh()).toBe(true);
    // A later page view of the same visitor: still fresh, no frame has answered yet.
    expect(identityStore(SITE, 'https://parley.example').fresh()).toBe(true);

    store.save({ visitorId: 'v0', token: 't0' });
    expect(store.fresh()).toBe(false);
    expect(store.current()).toEqual({ visitorId: 'v0', token: 't0' });
    expect(await store.ensure()).toEqual({ visitorId: 'v0', token: 't0' });
    expect(made).toBe(1);
  });

  it('keeps an identity saved while it was making one', async () => {
    const store = identityStore(SITE, 'https://parley.example');
    meanwhile = () => store.save({ visitorId: 'v0', token: 't0' });
    expect(await store.ensure()).toEqual({ visitorId: 'v0', token: 't0' });
    expect(store.fresh()).toBe(false);
    expect(JSON.parse(localStorage.getItem(KEY) ?? 'null')).toEqual({
      visitorId: 'v0',
      token: 't0',
    });
  });
});
