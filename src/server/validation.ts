import type { z } from 'zod';
import { AppError } from './errors';
import type { ErrorCode } from '../protocol/errors';

/**
 * Parses input with a protocol schema, or throws an AppError whose code says what was wrong.
 * Schemas mark their special failures with `params.code` (message_too_long, invalid_text).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const special =
    issue?.code === 'custom' ? (issue.params?.code as ErrorCode | undefined) : undefined;
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new AppError(special ?? 'invalid_payload', `${where}${issue?.message ?? 'invalid input'}`);
}
