/** Room names: the only place they are spelt. Rooms span nodes once the Redis adapter is on. */
export const orgAgentsRoom = (orgId: string) => `org:${orgId}:agents`;
/** Every socket of one agent, whatever its session: for what is addressed to the person. */
export const agentRoom = (agentId: string) => `agent:${agentId}`;
/** The agents of one department (the routing issue joins agents to theirs). */
export const departmentAgentsRoom = (orgId: string, departmentId: string) =>
  `org:${orgId}:department:${departmentId}:agents`;
export const sessionRoom = (sessionHash: string) => `session:${sessionHash}`;
export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
/** Every widget of one site: what hears its new settings, and what ends when it is deleted. */
export const siteVisitorsRoom = (siteId: string) => `site:${siteId}:visitors`;
/** The visitor sockets of one organization from one address (an address key), for address blocks. */
export const visitorAddressRoom = (orgId: string, address: string) =>
  `org:${orgId}:address:${address}`;
