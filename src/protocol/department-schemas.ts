/**
 * Settings → Departments and the routing settings around them (issue 10): the REST bodies and
 * replies of departments, their members, an agent's capacity and languages, and an
 * organization's routing choices.
 */
import { z } from 'zod';
import { routingSettingsSchema, routingStrategy } from './routing-schemas';
import { entityId, plainText } from './schemas';
import { isLanguageTag } from './settings-schemas';

export const MAX_DEPARTMENT_NAME = 100;
/** The most concurrent chats an admin may give one agent. */
export const MAX_CHATS_LIMIT = 50;
/** The most languages one agent may list. */
export const MAX_AGENT_LANGUAGES = 20;

/**
 * A department as admins see it: its strategy and members too. Other agents get names only
 * (`strategy` and `memberIds` left out), enough to pick one in a transfer.
 */
export const departmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    strategy: routingStrategy.optional(),
    memberIds: z.array(z.string()).optional().meta({ description: 'Agent ids, admins only' }),
  })
  .meta({ id: 'Department' });
export type Department = z.infer<typeof departmentSchema>;

const departmentName = plainText(MAX_DEPARTMENT_NAME).trim().min(1, 'must not be empty');

export const createDepartmentBody = z
  .object({ name: departmentName, strategy: routingStrategy.default('round_robin') })
  .strict();
export type CreateDepartmentBody = z.input<typeof createDepartmentBody>;

/** A new name or strategy; what is left out stays. */
export const updateDepartmentBody = z
  .object({ name: departmentName.optional(), strategy: routingStrategy.optional() })
  .strict();
export type UpdateDepartmentBody = z.input<typeof updateDepartmentBody>;

export const departmentMemberParams = z.object({ id: entityId, agentId: entityId });

/** A BCP 47 tag, canonicalized (`pt-br` becomes `pt-BR`). */
export const languageTag = plainText(35)
  .refine(isLanguageTag, 'must be a language tag such as en or pt-BR')
  .transform((tag) => Intl.getCanonicalLocales(tag)[0]!);

/** What routing weighs of an agent: how many chats at once, and which languages they speak. */
export const agentRoutingBody = z
  .object({
    maxChats: z.number().int().min(1).max(MAX_CHATS_LIMIT).optional(),
    languages: z
      .array(languageTag)
      .max(MAX_AGENT_LANGUAGES)
      .transform((tags) => [...new Set(tags)])
      .optional(),
  })
  .strict();
export type AgentRoutingBody = z.input<typeof agentRoutingBody>;

export const routingSettingsBody = routingSettingsSchema.strict();
