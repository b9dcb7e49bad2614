import { z } from 'zod';
import { presenceActivityPayload, presenceSetPayload } from '../../../protocol/routing-schemas';
import type { JobQueue } from '../../core/jobs/job-queue';
import { parleyModule } from '../../http/module';
import type { AgentRouteGuards } from '../../plugins/agent-auth';
import type { Realtime } from '../../realtime/gateway';
import { presenceRoutes } from './presence.routes';
import type { PresenceService } from './presence.service';

export const PRESENCE_SWEEP_JOB = 'presence.sweep';
/** How often one node turns idle agents away (and catches a dead node's agents). */
const SWEEP_INTERVAL_MS = 30_000;

export const presenceModule = parleyModule<{
  presence: PresenceService;
  guards: AgentRouteGuards;
  realtime: Realtime;
  jobs: JobQueue;
}>('presence', (app, { presence, guards, realtime, jobs }) => {
  presenceRoutes(app, presence, guards);
  realtime.consoles.onConnect((agent) => presence.connected(agent));
  realtime.consoles.onDisconnect((agent) => presence.disconnected(agent));
  realtime.agentEvents.on('presence:set', presenceSetPayload, (actor, p) =>
    presence.setStatus(actor, p.status, true),
  );
  realtime.agentEvents.on('presence:activity', presenceActivityPayload, (actor) =>
    presence.activity(actor),
  );
  jobs.register(PRESENCE_SWEEP_JOB, z.object({}), () => presence.sweep());
  jobs.schedule(PRESENCE_SWEEP_JOB, SWEEP_INTERVAL_MS, PRESENCE_SWEEP_JOB, {});
});
