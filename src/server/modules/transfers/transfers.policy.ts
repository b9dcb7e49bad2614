import { hasRole, type AgentActor } from '../../core/actor';

/** What the policy needs to know of a conversation and of the actor's place in it. */
export interface TransferContext {
  assigneeId: string | null;
  /** The actor belongs to the conversation's department (false when it has none). */
  inDepartment: boolean;
  hasDepartment: boolean;
}

/**
 * Who may transfer a conversation, and who may accept a transfer. Only agents transfer (a person
 * hands a chat to a person); the organization itself is checked by the lookups (another one's
 * conversation, agent or department is not found).
 */
export const transferPolicy = {
  /**
   * The assignee; admins and owners always; otherwise an agent while nobody has it, or a
   * supervisor, within the conversation's department when it has one.
   */
  request: (actor: AgentActor, c: TransferContext): boolean =>
    c.assigneeId === actor.id ||
    hasRole(actor, 'admin') ||
    ((c.assigneeId === null || hasRole(actor, 'supervisor')) &&
      (!c.hasDepartment || c.inDepartment)),

  /** The agent it names, or a member of the department it names. */
  accept: (
    actor: AgentActor,
    transfer: { to_agent_id: string | null },
    inTargetDepartment: boolean,
  ): boolean => transfer.to_agent_id === actor.id || inTargetDepartment,
};
