import type { AckResult } from '../../protocol/events';
import type { OwnPresence, PresenceStatus } from '../../protocol/routing-schemas';
import type { Conversation, Message } from '../../protocol/schemas';
import type { Transfer } from '../../protocol/transfer-schemas';
import { RequestError } from '../api/request-error';
import { type AgentSocket, currentSocket } from './connector';

export interface OutgoingMessage {
  conversationId: string;
  /** Kept across retries of the same text, so a send that landed late is never doubled. */
  clientId: string;
  body: string;
  internal: boolean;
  /** The agent's previewed (maybe edited) translation into the visitor's language. */
  translation?: ReplyTranslation;
  /** false: send as written; true (the server's default): translate it after it is stored. */
  translate?: boolean;
}

export interface ReplyTranslation {
  language: string;
  body: string;
}

export async function sendMessage(outgoing: OutgoingMessage): Promise<Message> {
  const { message } = await settle(connectedSocket().emitWithAck('message:send', outgoing));
  return message;
}

export async function resolveConversation(conversationId: string): Promise<Conversation> {
  const { conversation } = await settle(
    connectedSocket().emitWithAck('conversation:resolve', { conversationId }),
  );
  return conversation;
}

/** Hands the conversation to an agent or a department, with a note only agents see. */
export async function requestTransfer(request: {
  conversationId: string;
  toAgentId?: string;
  toDepartmentId?: string;
  note?: string;
}): Promise<Transfer> {
  const { transfer } = await settle(connectedSocket().emitWithAck('transfer:request', request));
  return transfer;
}

/** Takes a conversation transferred to this agent (or their department). */
export function acceptTransfer(
  transferId: string,
): Promise<{ transfer: Transfer; conversation: Conversation }> {
  return settle(connectedSocket().emitWithAck('transfer:accept', { transferId }));
}

/** Takes a waiting conversation; `take-over` (supervisors) also one a colleague has. */
export async function takeConversation(
  conversationId: string,
  how: 'claim' | 'take-over',
): Promise<Conversation> {
  const event = how === 'claim' ? 'conversation:claim' : 'conversation:take-over';
  const { conversation } = await settle(connectedSocket().emitWithAck(event, { conversationId }));
  return conversation;
}

export async function markConversationRead(conversationId: string, seq: number): Promise<void> {
  await settle<null>(connectedSocket().emitWithAck('conversation:read', { conversationId, seq }));
}

/** The agent's own status, picked in the header. */
export function setOwnPresence(status: PresenceStatus): Promise<OwnPresence> {
  return settle(connectedSocket().emitWithAck('presence:set', { status }));
}

/** A supervisor joins silently, to monitor: its live events reach this agent from now on. */
export async function joinConversation(conversationId: string): Promise<Conversation> {
  const { conversation } = await settle(
    connectedSocket().emitWithAck('conversation:join', { conversationId }),
  );
  return conversation;
}

/** A supervisor's whisper to the assigned agent; a retry with the same client id is one. */
export async function whisperTo(
  conversationId: string,
  clientId: string,
  body: string,
): Promise<Message> {
  const { message } = await settle(
    connectedSocket().emitWithAck('message:whisper', { conversationId, clientId, body }),
  );
  return message;
}

/** Collision: colleagues see who has a conversation open. A hint, like typing. */
export function signalViewing(conversationId: string, viewing: boolean): void {
  currentSocket()?.volatile.emit('conversation:viewing', { conversationId, viewing });
}

/** Typing is a hint: dropped rather than queued while offline, and never acknowledged. */
export function signalTyping(conversationId: string, typing: boolean): void {
  currentSocket()?.volatile.emit('typing', { conversationId, typing });
}

// Emitting while disconnected would buffer the event and replay it on reconnect, possibly long
// after the agent was told it failed; we fail at once instead.
function connectedSocket(): AgentSocket {
  const socket = currentSocket();
  if (!socket?.connected) throw new RequestError('offline', 'Not connected to the server');
  return socket;
}

/**
 * The socket rejects an ack that has not come within its ackTimeout (see connector), and at once
 * when the connection drops while waiting: then the request counts as refused for being offline.
 */
async function settle<T>(ack: Promise<AckResult<T>>): Promise<T> {
  let result: AckResult<T>;
  try {
    result = await ack;
  } catch {
    throw currentSocket()?.connected
      ? new RequestError('timeout', 'The server did not answer in time')
      : new RequestError('offline', 'The connection dropped before the server answered');
  }
  if (!result.ok) throw RequestError.fromBody(result.error);
  return result.data;
}
