import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import type { Realtime } from '../../realtime/gateway';
import { conversationEvents } from './conversations.events';
import { conversationRoutes } from './conversations.routes';
import type { ConversationsService } from './conversations.service';
import { inboxEvents, inboxRoutes } from './inbox.routes';
import type { InboxService } from './inbox.service';

export const conversationsModule = parleyModule<{
  conversations: ConversationsService;
  inbox: InboxService;
  guards: AgentRouteGuards;
  realtime: Realtime;
}>('conversations', (app, { conversations, inbox, guards, realtime }) => {
  conversationRoutes(app, conversations, guards);
  conversationEvents(realtime, conversations);
  inboxRoutes(app, inbox, guards);
  inboxEvents(realtime, inbox);
});
