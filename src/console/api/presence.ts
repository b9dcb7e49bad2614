import type { AgentPresence } from '../../protocol/routing-schemas';
import { requestJson } from './http';

/** The organization's active agents with their presence (any agent may read it). */
export const fetchAgentPresence = async () =>
  (await requestJson<{ agents: AgentPresence[] }>('GET', '/api/v1/agents/presence')).agents;
