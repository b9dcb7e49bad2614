import { readonly, ref } from 'vue';
import { io, type Socket } from 'socket.io-client';
import { followNetworkStatus, reconnectNow } from '../../client/network-status';
import {
  AGENT_NAMESPACE,
  type AgentClientEvents,
  type AgentServerEvents,
  OWN_PAGE_HEADER,
} from '../../protocol/events';
import type { Message } from '../../protocol/schemas';
import { reportBackgroundFailure } from '../report';
import { isErrorBody } from '../api/request-error';
import { alertNewConversation, alertVisitorMessage } from '../notifications/alerts';
import { leaveForSignIn, leaveForTwoFactorSetup } from '../session-exit';
import { useConversationsStore } from '../stores/conversations';
import { useInboxStore } from '../stores/inbox';
import { useMessagesStore } from '../stores/messages';
import { usePresenceStore } from '../stores/presence';
import { reportActivity } from './activity';
import { useTransfersStore } from '../stores/transfers';
import { useVisitorsStore } from '../stores/visitors';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;
/** `connecting` until the first handshake succeeds; `offline` after a working connection broke. */
type ConnectionState = 'connecting' | 'online' | 'offline';

/** Long enough for a slow commit, short enough that the agent learns a send did not land. */
const ACK_TIMEOUT_MS = 10_000;
/** A handshake the server refused for another reason than the session is not retried by Socket.IO. */
const REFUSED_HANDSHAKE_RETRY_MS = 5_000;

const state = ref<ConnectionState>('connecting');
export const connectionState = readonly(state);

let socket: AgentSocket | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let stopFollowingNetwork: (() => void) | undefined;
let stopReportingActivity: (() => void) | undefined;
let awaitingFirstConnect: (() => void)[] = [];

export function currentSocket(): AgentSocket | null {
  return socket;
}

/**
 * Resolves once the socket has connected (at once after that). What the console fetches before
 * could miss a push sent before the socket joined; each connect's catch-up refreshes the open
 * list and the threads held or loading, so a first load made after it is the only one needed.
 */
export function firstConnect(): Promise<void> {
  if (state.value !== 'connecting') return Promise.resolve();
  return new Promise((resolve) => awaitingFirstConnect.push(resolve));
}

/**
 * The console's one realtime connection: maps every server push to store actions and, after
 * each (re)connect, catches up by REST. The server never replays pushes missed while we were
 * away; the lists and each thread's seq are what make the picture whole again.
 */
export function connectRealtime(openConversation: (id: string) => void): void {
  if (socket) return;
  const conversations = useConversationsStore();
  const messages = useMessagesStore();
  const presence = usePresenceStore();
  const transfers = useTransfersStore();
  const inbox = useInboxStore();
  const visitors = useVisitorsStore();
  const agentSocket: AgentSocket = io(AGENT_NAMESPACE, {
    withCredentials: true,
    transports: ['websocket', 'polling'],
    // Without this, Socket.IO never falls back to polling when a proxy blocks WebSockets.
    tryAllTransports: true,
    // Polling requests carry no Origin: this says they come from our own page (origin-policy.ts).
    extraHeaders: { [OWN_PAGE_HEADER]: '1' },
    ackTimeout: ACK_TIMEOUT_MS,
  });
  socket = agentSocket;

  // The first connect's included: it loads the open list, which nothing loads before it.
  function catchUp(): void {
    conversations.refreshLoadedTabs().catch(reportBackgroundFailure);
    presence.load().catch(reportBackgroundFailure);
    transfers.refresh().catch(reportBackgroundFailure);
    transfers.loadTargets().catch(reportBackgroundFailure);
    inbox.load().catch(reportBackgroundFailure);
    if (visitors.watching) visitors.load().catch(reportBackgroundFailure);
    const openId = conversations.selectedId;
    if (openId) messages.catchUp(openId).catch(reportBackgroundFailure);
  }

  function receiveMessage(message: Message): void {
    // A retried send is pushed again (the first push may have been lost): alert once.
    const known = conversations.get(message.conversationId);
    const isNew = known === undefined || message.seq > known.lastSeq;
    messages.ingest(message);
    if (message.author.type === 'visitor') inbox.setDraft(message.conversationId, '');
    if (isNew && message.author.type === 'visitor' && document.hidden) {
      alertVisitorMessage(conversations.get(message.conversationId), message, openConversation);
    }
  }

  agentSocket.on('connect', () => {
    state.value = 'online';
    catchUp();
    const waiting = awaitingFirstConnect;
    awaitingFirstConnect = [];
    waiting.forEach((resolve) => resolve());
  });
  agentSocket.on('disconnect', (reason) => {
    if (state.value === 'online') state.value = 'offline';
    // The server hung up on purpose (a restart, a revoked session): Socket.IO leaves it there,
    // so we knock again and the handshake tells us which it was.
    if (reason === 'io server disconnect') agentSocket.connect();
  });
  agentSocket.on('connect_error', (error) => {
    const refusal: unknown = error.data;
    if (isErrorBody(refusal) && refusal.code === 'unauthorized') {
      disconnectRealtime();
      leaveForSignIn({ returnHere: true });
      return;
    }
    if (isErrorBody(refusal) && refusal.code === 'two_factor_setup_required') {
      disconnectRealtime();
      leaveForTwoFactorSetup();
      return;
    }
    if (!agentSocket.active) {
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        agentSocket.connect();
      }, REFUSED_HANDSHAKE_RETRY_MS);
    }
  });
  stopFollowingNetwork = followNetworkStatus(agentSocket, () => {
    // Reconnecting, by Socket.IO or after a refused handshake; not while signed out (suspended).
    if (!agentSocket.active && retryTimer === undefined) return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    reconnectNow(agentSocket);
  });

  agentSocket.on('conversation:created', (conversation) => {
    conversations.upsert(conversation);
    alertNewConversation(conversation, openConversation);
  });
  agentSocket.on('conversation:updated', (conversation) => conversations.upsert(conversation));
  agentSocket.on('message:new', receiveMessage);
  agentSocket.on('message:translated', (event) => messages.applyTranslation(event));
  agentSocket.on('typing', ({ conversationId, typing }) =>
    conversations.setVisitorTyping(conversationId, typing),
  );
  agentSocket.on('agent:presence', ({ agentId, presence: status }) =>
    presence.apply(agentId, status),
  );
  stopReportingActivity = reportActivity(agentSocket);
  agentSocket.on('transfer:requested', transfers.receive);
  agentSocket.on('transfer:updated', transfers.receive);
  agentSocket.on('conversation:hidden', ({ conversationId }) =>
    conversations.forget(conversationId),
  );
  agentSocket.on('colleague:activity', (activity) => inbox.report(activity));
  agentSocket.on('draft', ({ conversationId, text }) => inbox.setDraft(conversationId, text));
  agentSocket.on('visitors:update', visitors.receive);
  agentSocket.on('visitors:left', ({ visitorId }) => visitors.leave(visitorId));
}

/** Hangs up for a moment (signing out) without forgetting the connection. */
export function suspendRealtime(): void {
  socket?.disconnect();
}

export function resumeRealtime(): void {
  socket?.connect();
}

export function disconnectRealtime(): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  stopFollowingNetwork?.();
  stopReportingActivity?.();
  socket?.removeAllListeners();
  socket?.disconnect();
  socket = null;
  state.value = 'connecting';
}
