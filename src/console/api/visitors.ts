import { requestJson } from './http';

/** Blocks a visitor (and, with `address`, the address it last came from). */
export async function blockVisitor(visitorId: string, address: boolean): Promise<void> {
  await requestJson('POST', `/api/v1/visitors/${encodeURIComponent(visitorId)}/block`, {
    body: { address },
  });
}

/** Lifts a visitor's block and the address block it caused. */
export async function unblockVisitor(visitorId: string): Promise<void> {
  await requestJson('DELETE', `/api/v1/visitors/${encodeURIComponent(visitorId)}/block`);
}
