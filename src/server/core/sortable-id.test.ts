import { describe, expect, it } from 'vitest';
import { sortableId } from './sortable-id';

describe('sortableId', () => {
  it('makes UUIDv7s that sort as text in the order they were made, also within a millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => sortableId(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sortableId(1_800_000_000_000) > ids.at(-1)!).toBe(true);
  });
});
