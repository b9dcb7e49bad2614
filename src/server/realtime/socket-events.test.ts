import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AGENT_CLIENT_EVENTS, type AgentClientEvents } from '../../protocol/events';
import { SocketEvents } from './socket-events';

describe('SocketEvents', () => {
  it('fails the start when a protocol event has no handler, or one has two', () => {
    const events = new SocketEvents<AgentClientEvents, { id: string }>('/agent');
    events.on('typing', z.object({}), async () => null);
    expect(() => events.assertComplete(AGENT_CLIENT_EVENTS)).toThrow(
      /\/agent has no handler for message:send, conversation:sync/,
    );
    expect(() => events.on('typing', z.object({}), async () => null)).toThrow(/handled twice/);
  });
});
