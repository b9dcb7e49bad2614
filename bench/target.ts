/**
 * What a scenario needs from a chat server under test, whatever its wire protocol: Parley speaks
 * Socket.IO, the baseline relay speaks bare WebSocket frames, and the scenario sees neither.
 */

/** How long a client waits for the server to acknowledge one message before counting it failed. */
export const ACK_TIMEOUT_MS = 30_000;

export interface ChatTarget {
  /** As the report names it. */
  name: string;
  /** The server's process id, for its memory and CPU time. */
  pid: number;
  /** The one agent: `onMessage` hears the client id of every visitor message delivered to it. */
  connectAgent(onMessage: (clientId: string) => void): Promise<Connection>;
  /** The `index`-th visitor, 0-based. */
  connectVisitor(index: number): Promise<VisitorConnection>;
  /** Stops the server process (and waits until it is gone). */
  stop(): Promise<void>;
  /** The last few KB the server printed: its warnings and errors, when a run has failures. */
  output(): string;
}

export interface Connection {
  close(): void;
}

export interface VisitorConnection extends Connection {
  /** Resolves once the server acknowledged the message; rejects with the reason otherwise. */
  send(clientId: string, body: string): Promise<void>;
}
