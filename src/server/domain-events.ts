/**
 * Domain events, emitted by services only after their transaction commits. Realtime listeners
 * (one per audience) decide who hears each one; services never know about sockets.
 */
import { EventEmitter } from 'node:events';
import type { Conversation, Message } from '../protocol/schemas';

export interface DomainEventMap {
  'conversation.created': { orgId: string; visitorId: string; conversation: Conversation };
  'conversation.updated': {
    orgId: string;
    visitorId: string;
    conversation: Conversation;
    /** True when only agents may hear of this change (a private note was added). */
    agentsOnly: boolean;
  };
  'message.created': { orgId: string; visitorId: string; message: Message };
  'typing.changed': {
    orgId: string;
    visitorId: string;
    conversationId: string;
    by: { type: 'visitor' } | { type: 'agent'; name: string };
    typing: boolean;
  };
  'session.ended': { tokenHash: string };
  /** Agents blocked a visitor (and maybe its address): its live connections must end. */
  'visitor.blocked': { orgId: string; visitorId: string; address: string | null };
}

export type DomainEventName = keyof DomainEventMap;

export class DomainEvents {
  private readonly emitter = new EventEmitter();

  emit<E extends DomainEventName>(name: E, payload: DomainEventMap[E]): void {
    this.emitter.emit(name, payload);
  }

  on<E extends DomainEventName>(name: E, listener: (payload: DomainEventMap[E]) => void): void {
    this.emitter.on(name, listener);
  }
}
