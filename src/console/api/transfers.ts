import type { Transfer, TransferTargets } from '../../protocol/transfer-schemas';
import { requestJson } from './http';

/** Transfers waiting for this agent: to them, or to one of their departments. */
export async function fetchPendingTransfers(): Promise<Transfer[]> {
  const { transfers } = await requestJson<{ transfers: Transfer[] }>('GET', '/api/v1/transfers');
  return transfers;
}

/** Whom this agent may transfer to: the other active agents (with presence), and departments. */
export function fetchTransferTargets(): Promise<TransferTargets> {
  return requestJson('GET', '/api/v1/transfers/targets');
}
