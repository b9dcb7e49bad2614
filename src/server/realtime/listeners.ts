import type { ConversationAudience, DomainEvents } from '../domain-events';
import type { Conversation, VisitorConversation } from '../../protocol/schemas';
import { sameLanguage } from '../../protocol/languages';
import type { AgentNamespace } from './agent.namespace';
import type { VisitorNamespace } from './visitor.namespace';
import { audienceRooms } from './audience';
import {
  agentRoom,
  conversationRoom,
  departmentAgentsRoom,
  orgAgentsRoom,
  sessionRoom,
  siteVisitorsRoom,
  visitorAddressRoom,
  visitorRoom,
} from './rooms';

/**
 * Agents hear of a conversation, its messages (private notes included) and its activity only when
 * they may see it: each event goes to the rooms of its audience (see audience.ts).
 */
export function listenForAgents(events: DomainEvents, nsp: AgentNamespace): void {
  const toAudience = (orgId: string, audience: ConversationAudience) =>
    nsp.to(audienceRooms(orgId, audience));
  events.on('conversation.created', (e) =>
    toAudience(e.orgId, audienceOfConversation(e.conversation)).emit(
      'conversation:created',
      e.conversation,
    ),
  );
  events.on('conversation.updated', (e) => {
    const audience = audienceOfConversation(e.conversation);
    toAudience(e.orgId, audience).emit('conversation:updated', e.conversation);
    // Taken from the queue: the department's other agents drop it from their lists.
    if (audience.departmentId !== null && audience.assigneeId !== null) {
      nsp
        .to(departmentAgentsRoom(e.orgId, audience.departmentId))
        .except(audienceRooms(e.orgId, audience))
        .emit('conversation:hidden', { conversationId: audience.conversationId });
    }
  });
  for (const name of ['message.created', 'message.resent'] as const)
    events.on(name, (e) => toAudience(e.orgId, e.audience).emit('message:new', e.message));
  events.on('message.translated', (e) =>
    toAudience(e.orgId, e.audience).emit('message:translated', e.translated),
  );
  events.on('typing.changed', (e) => {
    if (e.by.type === 'visitor') {
      toAudience(e.orgId, e.audience).emit('typing', {
        conversationId: e.conversationId,
        typing: e.typing,
      });
    } else if (e.by.id !== null) {
      // A colleague typing (collision); the agent's own consoles need not hear it.
      toAudience(e.orgId, e.audience).except(agentRoom(e.by.id)).emit('colleague:activity', {
        conversationId: e.conversationId,
        agentId: e.by.id,
        agentName: e.by.name,
        activity: 'typing',
        active: e.typing,
      });
    }
  });
  // Every agent of the organization may see who is on its sites (the live visitors view).
  events.on('visitor.tracked', (e) =>
    nsp.to(orgAgentsRoom(e.orgId)).emit('visitors:update', e.visitor),
  );
  events.on('visitor.left', (e) =>
    nsp.to(orgAgentsRoom(e.orgId)).emit('visitors:left', { visitorId: e.visitorId }),
  );
  events.on('conversation.viewing', (e) =>
    toAudience(e.orgId, e.audience).except(agentRoom(e.agentId)).emit('colleague:activity', {
      conversationId: e.audience.conversationId,
      agentId: e.agentId,
      agentName: e.agentName,
      activity: 'viewing',
      active: e.viewing,
    }),
  );
  events.on('draft.changed', (e) =>
    toAudience(e.orgId, e.audience).emit('draft', {
      conversationId: e.audience.conversationId,
      text: e.text,
    }),
  );
  events.on('agent.notified', (e) =>
    nsp.to(agentRoom(e.agentId)).emit(e.kind, {
      conversationId: e.conversationId,
      messageId: e.messageId,
      by: e.by,
    }),
  );
  events.on('conversation.joined', (e) =>
    nsp.in(agentRoom(e.agentId)).socketsJoin(conversationRoom(e.conversationId)),
  );
  events.on('agent.visibility.changed', (e) =>
    nsp
      .in(e.agentId === null ? orgAgentsRoom(e.orgId) : agentRoom(e.agentId))
      .disconnectSockets(false),
  );
  events.on('session.ended', (e) => nsp.in(sessionRoom(e.tokenHash)).disconnectSockets(true));
  events.on('agent.deactivated', (e) => nsp.in(agentRoom(e.agentId)).disconnectSockets(true));
  events.on('agent.presence', (e) =>
    nsp
      .to(orgAgentsRoom(e.orgId))
      .emit('agent:presence', { agentId: e.agentId, presence: e.presence }),
  );
  // Every agent of the organization watches who browses its sites.
  events.on('visitor.profile_changed', (e) =>
    nsp.to(orgAgentsRoom(e.orgId)).emit('visitors:update', e.visitor),
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

function audienceOfConversation(c: Conversation): ConversationAudience {
  return { conversationId: c.id, departmentId: c.departmentId, assigneeId: c.assigneeId };
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
      // Only the translation into the visitor's own language; never one made for the agents.
      const translations = e.message.translations.filter((t) =>
        sameLanguage(t.language, e.conversationLanguage),
      );
      nsp.to(visitorRoom(e.visitorId)).emit('message:new', { ...e.message, translations });
    });
  events.on('message.translated', (e) => {
    if (e.toVisitor) nsp.to(visitorRoom(e.visitorId)).emit('message:translated', e.translated);
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
