import { AppError } from '../errors';

/**
 * Asks a policy and refuses with `forbidden` when it says no. Policies are plain predicates, one
 * file per resource (`x.policy.ts`), so every route and socket event that touches the resource
 * asks the same question in the same words.
 */
export function authorize(allowed: boolean, refusal: string): void {
  if (!allowed) throw new AppError('forbidden', refusal);
}
