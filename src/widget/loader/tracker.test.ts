import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IdentityStore } from './visitor-identity';
import { createTracker } from './tracker';

const identity = {
  ensure: async () => ({ visitorId: 'v1', token: 't1' }),
  forget: () => undefined,
} as unknown as IdentityStore;

function page(visibilityState: 'visible' | 'hidden'): {
  sent: unknown[];
  on: Map<string, () => void>;
} {
  const sent: unknown[] = [];
  const on = new Map<string, () => void>();
  vi.stubGlobal('location', { href: 'https://shop.example/a' });
  vi.stubGlobal('document', {
    visibilityState,
    title: 'A',
    referrer: '',
    addEventListener: () => undefined,
  });
  vi.stubGlobal('history', { pushState: () => undefined, replaceState: () => undefined });
  vi.stubGlobal('addEventListener', (type: string, listener: () => void) => on.set(type, listener));
  vi.stubGlobal('navigator', { language: 'en' });
  vi.stubGlobal('localStorage', { getItem: () => null });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (_url: string, init: { body: string }) => {
      sent.push(...(JSON.parse(init.body) as { events: unknown[] }).events);
      return { json: async () => ({}) };
    }),
  );
  return { sent, on };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('tracker timing', () => {
  it('reports time at the heartbeat and at the seconds invitation rules ask for', async () => {
    vi.useFakeTimers();
    const { sent } = page('visible');
    createTracker('site', 'https://parley.example', identity, {
      enabled: true,
      requireConsent: false,
      honorDoNotTrack: true,
      trackAt: [5],
    });
    await vi.advanceTimersByTimeAsync(31_000);
    const times = sent.filter((e) => (e as { type: string }).type === 'time');
    expect(times.map((e) => (e as { seconds: number }).seconds)).toEqual([5, 30]);
  });

  it('keeps no timer when the visitor refused tracking or the page is hidden', () => {
    vi.useFakeTimers();
    page('hidden');
    createTracker('site', 'https://parley.example', identity);
    expect(vi.getTimerCount()).toBe(0);
    vi.stubGlobal('navigator', { language: 'en', doNotTrack: '1' });
    vi.stubGlobal('document', {
      visibilityState: 'visible',
      title: 'A',
      referrer: '',
      addEventListener: () => undefined,
    });
    createTracker('site', 'https://parley.example', identity);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports the time on a page once when it is hidden, then left', async () => {
    vi.useFakeTimers();
    const { sent, on } = page('visible');
    createTracker('site', 'https://parley.example', identity);
    await vi.advanceTimersByTimeAsync(10_000);
    (document as { visibilityState: string }).visibilityState = 'hidden';
    on.get('pagehide')?.();
    await vi.advanceTimersByTimeAsync(0);
    const times = sent.filter((e) => (e as { type: string }).type === 'time');
    expect(times.map((e) => (e as { seconds: number }).seconds)).toEqual([10]);
  });
});
