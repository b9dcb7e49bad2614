import type { FastifyBaseLogger } from 'fastify';
import type { AuthService } from '../modules/auth/auth.service';
import type { AgentNamespace } from './agent.namespace';

/**
 * Ends agent sockets whose session is gone: signed out elsewhere, expired, or deleted in the
 * database by another node or an operator. A sign-out on this node ends its sockets at once
 * (`session.ended`); this catches everything else within `intervalMs`, with one query per sweep.
 */
export function sweepEndedSessions(
  nsp: AgentNamespace,
  auth: AuthService,
  intervalMs: number,
  log: FastifyBaseLogger,
): () => void {
  let running = false;
  const sweep = async () => {
    if (running || nsp.sockets.size === 0) return;
    running = true;
    try {
      const hashes = new Set([...nsp.sockets.values()].map((s) => s.data.agent.sessionHash));
      const live = await auth.liveSessions([...hashes]);
      for (const socket of nsp.sockets.values()) {
        if (!live.has(socket.data.agent.sessionHash)) socket.disconnect(true);
      }
    } catch (error) {
      log.error({ err: error }, 'session sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
