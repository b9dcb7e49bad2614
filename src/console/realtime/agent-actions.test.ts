import { describe, expect, it, vi } from 'vitest';
import { sendMessage, type OutgoingMessage } from './agent-actions';
import { currentSocket, type AgentSocket } from './connector';

vi.mock('./connector', () => ({ currentSocket: vi.fn() }));

const reply: OutgoingMessage = {
  conversationId: 'c1',
  clientId: 'k1',
  body: 'Hi',
  internal: false,
};

/** A connected socket whose ack is rejected, optionally because the connection dropped. */
function socketLosingTheAck({ dropsConnection }: { dropsConnection: boolean }): AgentSocket {
  const socket = {
    connected: true,
    emitWithAck: async () => {
      if (dropsConnection) socket.connected = false;
      throw new Error(dropsConnection ? 'socket has been disconnected' : 'operation has timed out');
    },
  };
  return socket as unknown as AgentSocket;
}

describe('sendMessage', () => {
  it('fails as offline at once without a connection', async () => {
    vi.mocked(currentSocket).mockReturnValue(null);
    await expect(sendMessage(reply)).rejects.toMatchObject({ code: 'offline' });
  });

  it('fails as offline when the connection drops before the ack', async () => {
    vi.mocked(currentSocket).mockReturnValue(socketLosingTheAck({ dropsConnection: true }));
    await expect(sendMessage(reply)).rejects.toMatchObject({ code: 'offline' });
  });

  it('fails as a timeout when the ack does not come while connected', async () => {
    vi.mocked(currentSocket).mockReturnValue(socketLosingTheAck({ dropsConnection: false }));
    await expect(sendMessage(reply)).rejects.toMatchObject({ code: 'timeout' });
  });
});
