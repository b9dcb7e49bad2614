import { describe, expect, it } from 'vitest';
import { ROUTING_DEFAULTS } from '../../../protocol/settings';
import { routingSettingsFrom } from './routing-settings';

describe('routingSettingsFrom', () => {
  it('is the defaults when nothing is stored', () => {
    expect(routingSettingsFrom(null)).toEqual(ROUTING_DEFAULTS);
  });

  it('keeps what is stored and valid over the defaults', () => {
    const stored = JSON.stringify({ agentsSeeAll: true, awayAfterMinutes: 3 });
    expect(routingSettingsFrom(stored)).toEqual({
      ...ROUTING_DEFAULTS,
      agentsSeeAll: true,
      awayAfterMinutes: 3,
    });
  });

  it('gives each field that no longer parses its default, and keeps the others', () => {
    const stored = JSON.stringify({
      transferTimeoutSeconds: 1,
      autoResolveHours: 'soon',
      agentsSeeAll: true,
      renamedSinceSetting: 5,
    });
    expect(routingSettingsFrom(stored)).toEqual({ ...ROUTING_DEFAULTS, agentsSeeAll: true });
  });

  it.each(['{not json', '', 'null', '42', '"text"'])('is the defaults for unreadable %j', (bad) => {
    expect(routingSettingsFrom(bad)).toEqual(ROUTING_DEFAULTS);
  });
});
