import { describe, expect, it } from 'vitest';
import { findMentions } from './mentions';

const team = [
  { id: 'ana', name: 'Ana Silva' },
  { id: 'anabel', name: 'Anabel Costa' },
  { id: 'bo1', name: 'Bo Lind' },
  { id: 'bo2', name: 'Bo Berg' },
];

describe('findMentions', () => {
  it('finds a colleague by full name or by a first name nobody else has', () => {
    expect(findMentions('@Ana Silva please look', team)).toEqual(['ana']);
    expect(findMentions('ask @ana.', team)).toEqual(['ana']);
    expect(findMentions('@ANABEL and @bo lind', team)).toEqual(['anabel', 'bo1']);
  });

  it('does not take a shared first name, a longer word, or a name without @', () => {
    expect(findMentions('@bo can you?', team)).toEqual([]);
    expect(findMentions('@anab', team)).toEqual([]);
    expect(findMentions('Ana Silva, hello', team)).toEqual([]);
    expect(findMentions('mail ana@example.com', team)).toEqual([]);
  });
});
