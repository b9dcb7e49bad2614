import {
  agentListPayload,
  agentReadPayload,
  agentResolvePayload,
  agentSendPayload,
  agentSyncPayload,
  agentTypingPayload,
  visitorIdentifyPayload,
  visitorReadPayload,
  visitorSendPayload,
  visitorSyncPayload,
  visitorTypingPayload,
} from '../../../protocol/schemas';
import type { Realtime } from '../../realtime/gateway';
import type { ConversationsService } from './conversations.service';

/** The conversation events of both namespaces: thin, like the routes of the same names. */
export function conversationEvents(realtime: Realtime, conversations: ConversationsService): void {
  const agent = realtime.agentEvents;
  agent.on('message:send', agentSendPayload, async (actor, p) => ({
    message: await conversations.sendAgentMessage(actor, p.conversationId, p),
  }));
  agent.on('conversation:sync', agentSyncPayload, (actor, p) =>
    conversations.syncForAgent(actor, p.conversationId, p.afterSeq),
  );
  agent.on('conversation:list', agentListPayload, (actor, p) =>
    conversations.listForAgent(actor, p),
  );
  agent.on('conversation:read', agentReadPayload, async (actor, p) => {
    await conversations.markReadByAgent(actor, p.conversationId, p.seq);
    return null;
  });
  agent.on('conversation:resolve', agentResolvePayload, async (actor, p) => ({
    conversation: await conversations.resolve(actor, p.conversationId),
  }));
  agent.on('typing', agentTypingPayload, async (actor, p) => {
    await conversations.agentTyping(actor, p.conversationId, p.typing);
    return null;
  });

  const visitor = realtime.visitorEvents;
  visitor.on('message:send', visitorSendPayload, async (identity, p) => ({
    message: await conversations.sendVisitorMessage(identity, p),
  }));
  visitor.on('conversation:sync', visitorSyncPayload, (identity, p) =>
    conversations.syncForVisitor(identity, p),
  );
  visitor.on('typing', visitorTypingPayload, async (identity, p) => {
    await conversations.visitorTyping(identity, p);
    return null;
  });
  visitor.on('conversation:read', visitorReadPayload, async (identity, p) => {
    await conversations.markReadByVisitor(identity, p);
    return null;
  });
  visitor.on('visitor:identify', visitorIdentifyPayload, async (identity, p) => ({
    contact: await conversations.identifyVisitor(identity, p),
  }));
}
