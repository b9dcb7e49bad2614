/**
 * The baseline: a bare `ws` relay with Parley's shape and nothing else. A visitor sends
 * `{ clientId, body }`; the relay forwards the frame to the one agent connection and acknowledges
 * to the sender with `{ ack: clientId }`. No store, no auth, no rooms: the practical limit of this
 * stack. Runs as its own process (`node --import tsx bench/baseline/ws-relay.ts`, PORT set).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { AGENT_PATH, parseRelayMessage, type RelayAck } from './relay-protocol';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT must be set to a TCP port');

// Same choice as Parley's gateway: no per-message deflate.
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
let agent: WebSocket | undefined;

server.on('connection', (socket, request) => {
  if (request.url === AGENT_PATH) {
    agent = socket;
    socket.on('close', () => {
      if (agent === socket) agent = undefined;
    });
    return;
  }
  socket.on('message', (data, isBinary) => {
    const message = parseRelayMessage(data.toString());
    if (!message) return;
    // Forward first, then acknowledge: the order Parley uses (domain events, then the ack).
    agent?.send(data, { binary: isBinary });
    const ack: RelayAck = { ack: message.clientId };
    socket.send(JSON.stringify(ack));
  });
});

const stop = () => {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
