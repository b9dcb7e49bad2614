/**
 * Who acts. Services act for an Actor and ask a policy whether it may; they never look at
 * sessions, cookies or sockets. Every actor belongs to one organization, which scopes everything
 * it may touch: another organization's rows are `not_found` to it, never `forbidden`.
 */
import type { AgentRole } from '../../protocol/schemas';

/** A signed-in person of the organization, with a role. */
export interface AgentActor {
  kind: 'agent';
  id: string;
  orgId: string;
  role: AgentRole;
  name: string;
}

/** What an API token may do (the public REST API issues them). */
export type TokenScope =
  'conversations:read' | 'conversations:write' | 'sites:read' | 'sites:write';

export interface TokenActor {
  kind: 'token';
  id: string;
  orgId: string;
  scopes: readonly TokenScope[];
}

/** An automatic answerer (auto-replies, the knowledge base, an LLM) speaking in conversations. */
export interface BotActor {
  kind: 'bot';
  id: string;
  orgId: string;
  name: string;
}

/** Parley itself: jobs, schedules, lifecycle rules. */
export interface SystemActor {
  kind: 'system';
  orgId: string;
}

/** A website visitor, acting on its own conversations only. */
export interface VisitorActor {
  kind: 'visitor';
  id: string;
  orgId: string;
  siteId: string;
}

export type Actor = AgentActor | TokenActor | BotActor | SystemActor | VisitorActor;

/** Roles from the least to the most trusted; a role may do what the ones before it may. */
const ROLE_ORDER: readonly AgentRole[] = ['agent', 'supervisor', 'admin', 'owner'];

/** True for an agent whose role is `role` or above. */
export function hasRole(actor: Actor, role: AgentRole): boolean {
  return actor.kind === 'agent' && ROLE_ORDER.indexOf(actor.role) >= ROLE_ORDER.indexOf(role);
}

/** True for a token that carries the scope. */
export function hasScope(actor: Actor, scope: TokenScope): boolean {
  return actor.kind === 'token' && actor.scopes.includes(scope);
}

/** How the durable event log names an actor. */
export function actorRef(actor: Actor): { type: Actor['kind']; id: string | null } {
  return { type: actor.kind, id: actor.kind === 'system' ? null : actor.id };
}
