/** Room names: the only place they are spelt. Rooms span nodes once the Redis adapter is on. */
export const orgAgentsRoom = (orgId: string) => `org:${orgId}:agents`;
export const sessionRoom = (sessionHash: string) => `session:${sessionHash}`;
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
/** The visitor sockets of one organization from one address (an address key), for address blocks. */
export const visitorAddressRoom = (orgId: string, address: string) =>
  `org:${orgId}:address:${address}`;
