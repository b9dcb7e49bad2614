import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import type { Realtime } from '../../realtime/gateway';
import { conversationEvents } from './conversations.events';
import { conversationRoutes } from './conversations.routes';
import type { ConversationsService } from './conversations.service';

export const conversationsModule = parleyModule<{
  conversations: ConversationsService;
  guards: AgentRouteGuards;
  realtime: Realtime;
}>('conversations', (app, { conversations, guards, realtime }) => {
  conversationRoutes(app, conversations, guards);
  conversationEvents(realtime, conversations);
});
