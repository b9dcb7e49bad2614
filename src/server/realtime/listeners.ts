import type { DomainEvents } from '../domain-events';
import type { Conversation, VisitorConversation } from '../../protocol/schemas';
import type { AgentNamespace } from './agent.namespace';
import type { VisitorNamespace } from './visitor.namespace';
import {
  agentRoom,
  orgAgentsRoom,
  sessionRoom,
  siteVisitorsRoom,
  visitorAddressRoom,
  visitorRoom,
} from './rooms';

/** Agents of the organization hear everything in it, private notes included. */
export function listenForAgents(events: DomainEvents, nsp: AgentNamespace): void {
  events.on('conversation.created', (e) =>
    nsp.to(orgAgentsRoom(e.orgId)).emit('conversation:created', e.conversation),
  );
  events.on('conversation.updated', (e) =>
    nsp.to(orgAgentsRoom(e.orgId)).emit('conversation:updated', e.conversation),
  );
  for (const name of ['message.created', 'message.resent'] as const)
    events.on(name, (e) => nsp.to(orgAgentsRoom(e.orgId)).emit('message:new', e.message));
  events.on('typing.changed', (e) => {
    if (e.by.type !== 'visitor') return;
    nsp
      .to(orgAgentsRoom(e.orgId))
      .emit('typing', { conversationId: e.conversationId, typing: e.typing });
  });
  events.on('session.ended', (e) => nsp.in(sessionRoom(e.tokenHash)).disconnectSockets(true));
  events.on('agent.deactivated', (e) => nsp.in(agentRoom(e.agentId)).disconnectSockets(true));
  events.on('agent.presence', (e) =>
    nsp
      .to(orgAgentsRoom(e.orgId))
      .emit('agent:presence', { agentId: e.agentId, presence: e.presence }),
  );
  // A transfer is for its targets (and who asked), not the whole organization.
  events.on('transfer.requested', (e) => {
    if (e.agentIds.length > 0)
      nsp.to(e.agentIds.map(agentRoom)).emit('transfer:requested', e.transfer);
  });
  events.on('transfer.updated', (e) => {
    if (e.agentIds.length > 0)
      nsp.to(e.agentIds.map(agentRoom)).emit('transfer:updated', e.transfer);
  });
  // Open consoles fetch the list again (what each may see of it depends on their role).
  events.on('departments.changed', (e) =>
    nsp.to(orgAgentsRoom(e.orgId)).emit('departments:changed'),
  );
}

/** A visitor hears only its own conversation, and never a private note. */
export function listenForVisitors(events: DomainEvents, nsp: VisitorNamespace): void {
  const toVisitor = (e: { visitorId: string; conversation: Conversation }) =>
    nsp.to(visitorRoom(e.visitorId)).emit('conversation:updated', visitorView(e.conversation));
  events.on('conversation.created', toVisitor);
  events.on('conversation.updated', (e) => {
    if (!e.agentsOnly) toVisitor(e);
  });
  for (const name of ['message.created', 'message.resent'] as const)
    events.on(name, (e) => {
      if (e.message.internal) return;
      nsp.to(visitorRoom(e.visitorId)).emit('message:new', e.message);
    });
  events.on('typing.changed', (e) => {
    if (e.by.type !== 'agent') return;
    nsp.to(visitorRoom(e.visitorId)).emit('typing', { typing: e.typing, agentName: e.by.name });
  });
  // A blocked visitor (or address) is shown the door; its next handshake is refused.
  events.on('visitor.blocked', (e) => {
    nsp.in(visitorRoom(e.visitorId)).disconnectSockets(true);
    if (e.address !== null) nsp.in(visitorAddressRoom(e.orgId, e.address)).disconnectSockets(true);
  });
  // New widget settings redraw every open widget of the site, without a reload.
  events.on('site.updated', (e) =>
    nsp.to(siteVisitorsRoom(e.siteId)).emit('site:updated', { widget: e.widget }),
  );
  events.on('site.deleted', (e) => nsp.in(siteVisitorsRoom(e.siteId)).disconnectSockets(true));
  // Their place in line; never who has it or why (that reason is an agents-only entry).
  events.on('queue.position', (e) =>
    nsp.to(visitorRoom(e.visitorId)).emit('queue:position', e.position),
  );
  // Someone came online or the last one left: open widgets switch between chat and the form.
  events.on('site.availability', (e) =>
    nsp.to(siteVisitorsRoom(e.siteId)).emit('availability', { availability: e.availability }),
  );
}

function visitorView(c: Conversation): VisitorConversation {
  return {
    id: c.id,
    status: c.status,
    lastSeq: c.lastSeq,
    agentReadSeq: c.agentReadSeq,
    visitorReadSeq: c.visitorReadSeq,
  };
}
