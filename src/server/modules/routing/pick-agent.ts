import type { RoutingStrategy } from '../../../protocol/routing-schemas';

/** An agent routing may give a conversation to, as they are inside the routing lock. */
export interface Candidate {
  id: string;
  name: string;
  /** Open and pending conversations assigned to them now. */
  load: number;
  maxChats: number;
  /** BCP 47 tags they speak. */
  languages: string[];
}

export interface Pick {
  agent: Candidate;
  /** The chosen agent speaks the conversation's language. */
  languageMatch: boolean;
}

/** `pt-BR` and `pt` are one language to routing: the primary subtag decides. */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

export function speaks(candidate: Candidate, language: string | null): boolean {
  if (language === null) return false;
  const wanted = primaryLanguage(language);
  return candidate.languages.some((tag) => primaryLanguage(tag) === wanted);
}

/**
 * Round-robin order: candidates by id (a stable order every node agrees on), starting with the
 * first one after `cursor` (the agent assigned last) and wrapping around.
 */
export function roundRobinOrder(
  candidates: readonly Candidate[],
  cursor: string | null,
): Candidate[] {
  const sorted = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const next = cursor === null ? 0 : sorted.findIndex((c) => c.id > cursor);
  const start = next === -1 ? 0 : next;
  return [...sorted.slice(start), ...sorted.slice(0, start)];
}

/**
 * Who gets the conversation, or undefined when nobody has room. Only candidates with room
 * (load < maxChats) are eligible; among them those who speak the conversation's language come
 * first; then round-robin takes the next one after the cursor, least-busy the one with the fewest
 * open chats (ties: the next one in round-robin order).
 */
export function pickAgent(
  candidates: readonly Candidate[],
  strategy: RoutingStrategy,
  cursor: string | null,
  language: string | null,
): Pick | undefined {
  const eligible = roundRobinOrder(candidates, cursor).filter((c) => c.load < c.maxChats);
  const speakers = eligible.filter((c) => speaks(c, language));
  const pool = speakers.length > 0 ? speakers : eligible;
  const agent =
    strategy === 'least_busy'
      ? pool.reduce<Candidate | undefined>(
          (best, c) => (!best || c.load < best.load ? c : best),
          undefined,
        )
      : pool[0];
  return agent && { agent, languageMatch: speaks(agent, language) };
}
