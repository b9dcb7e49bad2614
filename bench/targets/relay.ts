/** The baseline relay as a chat target: its own child process, bare `ws` clients. */
import { WebSocket } from 'ws';
import { freePort } from '../../test/helpers/process';
import {
  AGENT_PATH,
  VISITOR_PATH,
  parseRelayAck,
  parseRelayMessage,
} from '../baseline/relay-protocol';
import { startChildServer } from '../children';
import { ACK_TIMEOUT_MS, type ChatTarget, type VisitorConnection } from '../target';

export async function startRelay(): Promise<ChatTarget> {
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const server = await startChildServer({
    name: 'ws relay',
    script: 'bench/baseline/ws-relay.ts',
    env: { PORT: String(port) },
    // A plain GET gets 426 Upgrade Required: any answer means it listens.
    isReady: async () => (await fetch(`http://127.0.0.1:${port}/`)).status > 0,
  });
  return {
    name: 'bare ws relay',
    pid: server.pid,
    stop: server.stop,
    output: server.output,
    connectAgent: async (onMessage) => {
      const socket = await open(`${url}${AGENT_PATH}`);
      socket.on('message', (data) => {
        const message = parseRelayMessage(data.toString());
        if (message) onMessage(message.clientId);
      });
      return { close: () => socket.terminate() };
    },
    connectVisitor: async () => visitorConnection(await open(`${url}${VISITOR_PATH}`)),
  };
}

function visitorConnection(socket: WebSocket): VisitorConnection {
  const pending = new Map<string, Waiter>();
  socket.on('message', (data) => {
    const ack = parseRelayAck(data.toString());
    const waiter = ack && pending.get(ack.ack);
    if (!ack || !waiter) return;
    pending.delete(ack.ack);
    clearTimeout(waiter.timer);
    waiter.resolve();
  });
  return {
    close: () => {
      for (const waiter of pending.values()) clearTimeout(waiter.timer);
      pending.clear();
      socket.terminate();
    },
    send: (clientId, body) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(clientId);
          reject(new Error('ack timeout'));
        }, ACK_TIMEOUT_MS);
        pending.set(clientId, { resolve, timer });
        socket.send(JSON.stringify({ clientId, body }));
      }),
  };
}

interface Waiter {
  resolve: () => void;
  timer: NodeJS.Timeout;
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}
