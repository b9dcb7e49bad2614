/**
 * Both servers run under `node --import tsx`, as `npm start` runs Parley, and tsx's loader alone
 * holds tens of MiB. Measuring an idle process run the same way lets the report compare what the
 * two servers use above that shared floor.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startChildServer } from '../children';
import { readMemoryKiB } from '../proc-stats';

const SETTLE_MS = 1_000;

/** RSS of an idle `node --import tsx` process, KiB. */
export async function measureRuntimeFloor(): Promise<number> {
  const idle = await startChildServer({
    name: 'idle tsx process',
    script: 'bench/probes/idle-process.ts',
    env: {},
    isReady: async () => true,
  });
  try {
    await sleep(SETTLE_MS);
    return readMemoryKiB(idle.pid).rss;
  } finally {
    await idle.stop();
  }
}
