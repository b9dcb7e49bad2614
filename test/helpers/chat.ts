/** A server with one visitor and one signed-in agent connected (away: routing assigns nothing). */
import {
  connectAwayAgent,
  connectVisitor,
  createVisitor,
  type AgentSocket,
  type VisitorCredentials,
  type VisitorSocket,
} from './clients';
import { startServer, type TestServer } from './server';

export interface Chat {
  server: TestServer;
  visitor: VisitorCredentials;
  widget: VisitorSocket;
  agent: AgentSocket;
  close(): Promise<void>;
}

export async function startChat(): Promise<Chat> {
  const server = await startServer();
  const visitor = await createVisitor(server);
  const widget = await connectVisitor(server, visitor);
  const agent = await connectAwayAgent(server);
  return {
    server,
    visitor,
    widget,
    agent,
    close: async () => {
      widget.close();
      agent.close();
      await server.close();
    },
  };
}
