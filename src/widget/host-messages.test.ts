import { describe, expect, it } from 'vitest';
import { isFrameMessage, isHostMessage } from './host-messages';

describe('isHostMessage', () => {
  it('accepts visibility with or without the focus flag', () => {
    expect(isHostMessage({ type: 'parley:visibility', open: true, focus: true })).toBe(true);
    expect(isHostMessage({ type: 'parley:visibility', open: true, focus: false })).toBe(true);
    // As an older loader (cached for a few minutes) sends it: the frame then takes no focus.
    expect(isHostMessage({ type: 'parley:visibility', open: true })).toBe(true);
  });

  it('refuses malformed messages', () => {
    expect(isHostMessage({ type: 'parley:visibility', open: true, focus: 'yes' })).toBe(false);
    expect(isHostMessage({ type: 'parley:visibility' })).toBe(false);
    expect(isHostMessage({ type: 'parley:init' })).toBe(false);
    expect(isHostMessage('parley:init')).toBe(false);
  });

  it('carries the language Parley.setLanguage chose, at init and later', () => {
    expect(isHostMessage({ type: 'parley:init', siteKey: 'k', language: 'de' })).toBe(true);
    expect(isHostMessage({ type: 'parley:init', siteKey: 'k', language: 7 })).toBe(false);
    expect(isHostMessage({ type: 'parley:language', language: 'pt-BR' })).toBe(true);
    expect(isHostMessage({ type: 'parley:language' })).toBe(false);
  });
});

describe('isFrameMessage', () => {
  it('accepts what the frame sends and nothing else', () => {
    expect(isFrameMessage({ type: 'parley:unread', count: 2 })).toBe(true);
    expect(isFrameMessage({ type: 'parley:unread', count: '2' })).toBe(false);
    expect(isFrameMessage({ type: 'parley:visibility', open: true })).toBe(false);
  });

  it('accepts a chat message for Parley.on, and only a well-formed one', () => {
    const message = { author: 'agent', name: 'Bo', body: 'Hi', at: '2026-01-01T00:00:00.000Z' };
    expect(isFrameMessage({ type: 'parley:message', message })).toBe(true);
    expect(isFrameMessage({ type: 'parley:message', message: { ...message, name: null } })).toBe(
      true,
    );
    expect(
      isFrameMessage({ type: 'parley:message', message: { ...message, author: 'admin' } }),
    ).toBe(false);
    expect(isFrameMessage({ type: 'parley:message', message: { ...message, body: 1 } })).toBe(
      false,
    );
  });
});
