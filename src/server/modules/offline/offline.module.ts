import { z } from 'zod';
import { offlineMessagePayload } from '../../../protocol/offline-schemas';
import { parleyModule } from '../../http/module';
import type { Realtime } from '../../realtime/gateway';
import type { OfflineService } from './offline.service';

/** The widget's offline events: availability (pulled after each connect) and the form. */
export const offlineModule = parleyModule<{ offline: OfflineService; realtime: Realtime }>(
  'offline',
  (_app, { offline, realtime }) => {
    const visitor = realtime.visitorEvents;
    visitor.on('availability:get', z.object({}).strict(), async (identity) => ({
      availability: await offline.availabilityFor(identity),
    }));
    visitor.on('offline:message', offlineMessagePayload, async (identity, form) => ({
      message: await offline.leaveMessage(identity, form),
    }));
  },
);
