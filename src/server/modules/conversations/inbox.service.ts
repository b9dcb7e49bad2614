import { hasRole, type Actor, type AgentActor } from '../../core/actor';
import { authorize } from '../../core/policy';
import type { Db } from '../../db/database';
import type { ConversationAudience, DomainEvents } from '../../domain-events';
import type { Inbox } from '../../../protocol/inbox-schemas';
import type { Conversation, InboxView, Message } from '../../../protocol/schemas';
import { audienceOf, type MessagesService } from '../messages/messages.service';
import { SitesRepository } from '../sites/sites.repository';
import type { VisitorIdentity } from '../visitors/visitors.service';
import { ConversationsRepository } from './conversations.repository';
import type { ConversationsService, SentMessage, VisitorTarget } from './conversations.service';
import { toConversation } from './presenters';

/**
 * What agents see around a conversation besides its messages: their inbox tabs, a supervisor
 * joining and whispering, who else is viewing it (collision) and the visitor's draft (sneak
 * peek). Nothing here ever reaches the visitor.
 */
export class InboxService {
  private readonly repo: ConversationsRepository;
  private readonly sites: SitesRepository;
  /**
   * What each agent socket is viewing, kept on the node that holds the socket (its identity
   * object is the key), so that a socket that dies stops showing as a viewer. A node that dies
   * takes its sockets with it; consoles forget a viewer that stops repeating itself.
   */
  private readonly viewing = new WeakMap<AgentActor, Map<string, ConversationAudience>>();

  constructor(
    db: Db,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly events: DomainEvents,
  ) {
    this.repo = new ConversationsRepository(db);
    this.sites = new SitesRepository(db);
  }

  /** The agent's tabs and the names of their colleagues. */
  async inbox(actor: AgentActor): Promise<Inbox> {
    const [scope, agents] = await Promise.all([
      this.conversations.visibility.scopeOf(actor),
      this.repo.activeAgents(actor.orgId),
    ]);
    const views: InboxView[] = ['mine', 'unassigned'];
    if (scope.all || hasRole(actor, 'supervisor')) views.push('all');
    return { views, agents };
  }

  /**
   * A supervisor joins a conversation to monitor it: their consoles hear its events from now on.
   * Nothing is written to the conversation and the visitor is not told.
   */
  async join(actor: Actor, conversationId: string): Promise<Conversation> {
    const supervisor = supervisorOf(actor, 'Only supervisors may join conversations');
    const conversation = await this.conversations.readable(supervisor, conversationId);
    this.events.emit('conversation.joined', {
      orgId: supervisor.orgId,
      conversationId: conversation.id,
      agentId: supervisor.id,
    });
    return toConversation(conversation);
  }

  /**
   * A supervisor's note to the assigned agent: an internal message (the visitor never gets it)
   * that tells the assignee.
   */
  async whisper(actor: Actor, conversationId: string, input: SentMessage): Promise<Message> {
    const supervisor = supervisorOf(actor, 'Only supervisors may whisper');
    const conversation = await this.conversations.readable(supervisor, conversationId);
    const toAgentId = conversation.assignee_id;
    const message = await this.messages.append(supervisor, conversation.id, {
      ...input,
      internal: true,
      meta: { kind: 'whisper', toAgentId },
    });
    if (toAgentId !== null && toAgentId !== supervisor.id) {
      this.events.emit('agent.notified', {
        orgId: supervisor.orgId,
        agentId: toAgentId,
        kind: 'whisper',
        conversationId: conversation.id,
        messageId: message.id,
        by: message.author.name ?? '',
      });
    }
    return message;
  }

  /** The agent's console shows a conversation (or stopped): colleagues who may see it hear so. */
  async setViewing(agent: AgentActor, conversationId: string, viewing: boolean): Promise<void> {
    const conversation = await this.conversations.readable(agent, conversationId);
    const shown = this.viewing.get(agent) ?? new Map<string, ConversationAudience>();
    this.viewing.set(agent, shown);
    if (viewing) shown.set(conversation.id, audienceOf(conversation));
    else shown.delete(conversation.id);
    this.announceViewing(agent, audienceOf(conversation), viewing);
  }

  /** An agent's socket is gone: it views nothing any more. */
  socketGone(agent: AgentActor): void {
    const shown = this.viewing.get(agent);
    if (!shown) return;
    this.viewing.delete(agent);
    for (const audience of shown.values()) this.announceViewing(agent, audience, false);
  }

  /**
   * The visitor's unsent text, shown to the agents who may see the conversation when the site has
   * the sneak peek on; dropped otherwise, and before the first message.
   */
  async visitorDraft(visitor: VisitorIdentity, target: VisitorTarget & { text: string }) {
    const site = await this.sites.findForOrg(visitor.orgId, visitor.siteId);
    if (!site?.widget.sneakPeek) return;
    const conversation = await this.conversations.visitorConversationOf(visitor, target);
    if (!conversation || conversation.status === 'resolved') return;
    this.events.emit('draft.changed', {
      orgId: visitor.orgId,
      audience: audienceOf(conversation),
      text: target.text,
    });
  }

  private announceViewing(agent: AgentActor, audience: ConversationAudience, viewing: boolean) {
    this.events.emit('conversation.viewing', {
      orgId: agent.orgId,
      audience,
      agentId: agent.id,
      agentName: agent.name,
      viewing,
    });
  }
}

/** The actor, if a supervisor or above; `forbidden` otherwise. */
function supervisorOf(actor: Actor, refusal: string): AgentActor {
  authorize(actor.kind === 'agent' && hasRole(actor, 'supervisor'), refusal);
  return actor as AgentActor;
}
