/**
 * Issue 11: what a browsing, tracked visitor costs the server. Tracking uses batched beacons, not
 * a connection: a visitor who is reading a page costs nothing between its beacons (one per page
 * view, one every 30 s while the page is visible). This scenario makes `count` visitors whose
 * visits are all going on at once (each sent a page view and a heartbeat), and compares Parley's
 * memory growth with a bare `ws` server holding the same number of idle connections.
 */
import { WebSocket } from 'ws';
import { freePort } from '../../test/helpers/process';
import { SITE_ORIGIN } from '../../test/helpers/server';
import { createTestDatabase } from '../../test/helpers/database';
import { VISITOR_PATH } from '../baseline/relay-protocol';
import { startChildServer } from '../children';
import { cpuSince, readMemoryKiB, readProcessCpu } from '../proc-stats';
import { parleyEnv } from '../targets/parley';
import { seedVisitors } from '../targets/parley-visitors';

const USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
/** What the loader sends while a page stays visible. */
export const HEARTBEAT_SECONDS = 30;
const CONCURRENCY = 50;

export interface IdleTrackedResult {
  count: number;
  parley: {
    rssBeforeKiB: number;
    rssAfterKiB: number;
    beacons: number;
    failed: number;
    cpuMsPerBeacon: number;
  };
  relay: { rssBeforeKiB: number; rssAfterKiB: number };
}

export async function runIdleTracked(count: number): Promise<IdleTrackedResult> {
  const parley = await measureParley(count);
  const relay = await measureRelay(count);
  return { count, parley, relay };
}

async function measureParley(count: number): Promise<IdleTrackedResult['parley']> {
  const database = await createTestDatabase('sqlite');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startChildServer({
    name: 'Parley (tracking)',
    script: 'src/server/main.ts',
    env: parleyEnv(port, database),
    isReady: async () => (await fetch(`${url}/healthz`)).ok,
  });
  try {
    const { widgetKey, visitors } = await seedVisitors(database.url, count + 20);
    const beacon = (index: number, event: Record<string, unknown>) =>
      fetch(`${url}/api/v1/widget/track`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: SITE_ORIGIN, 'user-agent': USER_AGENT },
        body: JSON.stringify({
          siteKey: widgetKey,
          ...visitors[index],
          timeZone: 'Europe/Paris',
          language: 'en-GB',
          events: [{ ...event, at: Date.now() }],
        }),
      }).then((res) => res.ok);
    const page = (i: number) =>
      beacon(i, {
        type: 'page',
        url: `${SITE_ORIGIN}/p/${i}`,
        title: 'Page',
        referrer: '',
        spa: false,
      });
    // Warm-up on visitors not counted: the IP database and the statement cache load once.
    await inBatches(20, (i) => page(count + i));
    const rssBeforeKiB = readMemoryKiB(server.pid).rss;
    const cpuBefore = readProcessCpu(server.pid);
    let failed = 0;
    const send = async (sent: Promise<boolean>) => void (!(await sent) && (failed += 1));
    await inBatches(count, (i) => send(page(i)));
    await inBatches(count, (i) =>
      send(beacon(i, { type: 'time', url: `${SITE_ORIGIN}/p/${i}`, seconds: HEARTBEAT_SECONDS })),
    );
    const cpu = cpuSince(cpuBefore, readProcessCpu(server.pid));
    return {
      rssBeforeKiB,
      rssAfterKiB: readMemoryKiB(server.pid).rss,
      beacons: count * 2,
      failed,
      cpuMsPerBeacon: ((cpu.user + cpu.system) * 1000) / (count * 2),
    };
  } finally {
    await server.stop();
    await database.drop();
  }
}

async function measureRelay(count: number): Promise<IdleTrackedResult['relay']> {
  const port = await freePort();
  const server = await startChildServer({
    name: 'ws relay (idle)',
    script: 'bench/baseline/ws-relay.ts',
    env: { PORT: String(port) },
    isReady: async () => (await fetch(`http://127.0.0.1:${port}/`)).status > 0,
  });
  const sockets: WebSocket[] = [];
  try {
    const rssBeforeKiB = readMemoryKiB(server.pid).rss;
    await inBatches(count, async () => {
      const socket = new WebSocket(`ws://127.0.0.1:${port}${VISITOR_PATH}`, {
        perMessageDeflate: false,
      });
      sockets.push(socket);
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
    });
    return { rssBeforeKiB, rssAfterKiB: readMemoryKiB(server.pid).rss };
  } finally {
    for (const socket of sockets) socket.terminate();
    await server.stop();
  }
}

/** Runs `work(0..count-1)`, CONCURRENCY at a time. */
async function inBatches(count: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

export function renderIdleTracked(r: IdleTrackedResult): string {
  const perParley = (r.parley.rssAfterKiB - r.parley.rssBeforeKiB) / r.count;
  const perRelay = (r.relay.rssAfterKiB - r.relay.rssBeforeKiB) / r.count;
  const cpuShare = (r.count / HEARTBEAT_SECONDS) * r.parley.cpuMsPerBeacon;
  return `## Idle tracked visitors (issue 11)

${r.count.toLocaleString('en')} visitors whose visits are going on at once, each having sent a
page view and a heartbeat (beacons over HTTP, no connection held), against a bare \`ws\` server
holding ${r.count.toLocaleString('en')} idle connections. Parley on SQLite.

| | Parley, tracked visitors | bare ws, idle connections |
| --- | --- | --- |
| server memory (RSS) before | ${mib(r.parley.rssBeforeKiB)} | ${mib(r.relay.rssBeforeKiB)} |
| server memory (RSS) after | ${mib(r.parley.rssAfterKiB)} | ${mib(r.relay.rssAfterKiB)} |
| memory per visitor | ${perParley.toFixed(2)} KiB | ${perRelay.toFixed(2)} KiB |
| requests per second per visitor | 1 / ${HEARTBEAT_SECONDS} s while visible (${(1 / HEARTBEAT_SECONDS).toFixed(3)}), 0 when hidden | 0 (but a connection held) |

Beacons: ${r.parley.beacons.toLocaleString('en')} sent, ${r.parley.failed} failed; server CPU
${r.parley.cpuMsPerBeacon.toFixed(2)} ms per beacon, so ${r.count.toLocaleString('en')} visible
visitors cost about ${cpuShare.toFixed(0)} ms of CPU per second
(${(cpuShare / 10).toFixed(1)}% of a core).
`;
}

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
