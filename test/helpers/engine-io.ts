/**
 * Raw Engine.IO v4 long-polling, spoken over plain HTTP the way a browser (or an attacker's page)
 * would: no socket.io-client, so a test controls every header and sees every byte.
 */

/** Packets in one polling payload are separated by the record separator. */
const SEPARATOR = '\x1e';

export interface PollingReply {
  status: number;
  headers: Headers;
  body: string;
}

export interface PollingSession {
  sid: string;
  /** POSTs one Socket.IO packet, e.g. `40/agent,` (connect) or `42/agent,0["event",{}]`. */
  post(packet: string): Promise<PollingReply>;
  /** GETs what the server has queued, split into packets. */
  poll(): Promise<string[]>;
}

export function pollingUrl(base: string, extra = ''): string {
  return `${base}/socket.io/?EIO=4&transport=polling${extra}`;
}

export async function pollingGet(
  url: string,
  headers: Record<string, string>,
): Promise<PollingReply> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/**
 * Opens a polling session with the given request headers (cookie, Origin, Sec-Fetch-*), or
 * returns the refusal. `postHeaders` are added to the POSTs, which browsers send with an Origin.
 */
export async function openPolling(
  base: string,
  headers: Record<string, string>,
  postHeaders: Record<string, string> = {},
): Promise<PollingSession | PollingReply> {
  const handshake = await pollingGet(pollingUrl(base), headers);
  if (handshake.status !== 200 || !handshake.body.startsWith('0{')) return handshake;
  const { sid } = JSON.parse(handshake.body.slice(1)) as { sid: string };
  const url = pollingUrl(base, `&sid=${sid}`);
  return {
    sid,
    post: async (packet) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, ...postHeaders, 'content-type': 'text/plain;charset=UTF-8' },
        body: packet,
      });
      return { status: res.status, headers: res.headers, body: await res.text() };
    },
    poll: async () => (await pollingGet(url, headers)).body.split(SEPARATOR),
  };
}

export function isSession(value: PollingSession | PollingReply): value is PollingSession {
  return 'sid' in value;
}
