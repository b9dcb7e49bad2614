import { describe, expect, it } from 'vitest';
import { routingSettingsSchema } from './routing-schemas';
import { ROUTING_DEFAULTS, ROUTING_LIMITS } from './settings';

const accepts = (key: string, value: number) =>
  routingSettingsSchema.safeParse({ ...ROUTING_DEFAULTS, [key]: value }).success;

describe('ROUTING_LIMITS', () => {
  it.each(Object.entries(ROUTING_LIMITS) as [string, { min: number; max: number }][])(
    'are the bounds the schema keeps %s within',
    (key, { min, max }) => {
      expect([min - 1, min, max, max + 1].map((value) => accepts(key, value))).toEqual([
        false,
        true,
        true,
        false,
      ]);
    },
  );

  it('bound every number of the routing settings, defaults included', () => {
    const numbers = Object.keys(ROUTING_DEFAULTS).filter(
      (key) => typeof ROUTING_DEFAULTS[key as keyof typeof ROUTING_DEFAULTS] === 'number',
    );
    expect(Object.keys(ROUTING_LIMITS).sort()).toEqual(numbers.sort());
  });
});
