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
/** The supervisors of one department: they see all of its conversations, assigned or not. */
export const departmentSupervisorsRoom = (orgId: string, departmentId: string) =>
  `org:${orgId}:department:${departmentId}:supervisors`;
/** The agents who see every conversation of the organization (admins, or all when it allows). */
export const orgAllConversationsRoom = (orgId: string) => `org:${orgId}:all-conversations`;
/** Supervisors who joined one conversation to monitor it. */
export const conversationRoom = (conversationId: string) => `conversation:${conversationId}`;
