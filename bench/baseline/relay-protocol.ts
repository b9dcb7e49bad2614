/** The baseline relay's wire format, shared by the relay and its clients. */

export const AGENT_PATH = '/agent';
export const VISITOR_PATH = '/visitor';

/** Visitor → relay, and relay → agent (forwarded as is). */
export interface RelayMessage {
  clientId: string;
  body: string;
}

/** Relay → visitor, once the message was forwarded. */
export interface RelayAck {
  ack: string;
}

export function parseRelayMessage(text: string): RelayMessage | undefined {
  const value = parseObject(text);
  const { clientId, body } = value ?? {};
  return typeof clientId === 'string' && typeof body === 'string' ? { clientId, body } : undefined;
}

export function parseRelayAck(text: string): RelayAck | undefined {
  const ack = parseObject(text)?.ack;
  return typeof ack === 'string' ? { ack } : undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
