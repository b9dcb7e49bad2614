import { redactUrl } from '../server/db/database-url';
import { StoreError } from '../server/db/store-error';

/** A command that cannot do what it was asked: a stable code, a message for the operator. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** 2 for a malformed command line, 1 for anything else. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError('usage', message, 2);

/** Runs `work` on the database at `url`; a StoreError from it names that URL, password hidden. */
export async function onDatabase<T>(url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) {
      throw new CliError(error.code, `${redactUrl(url)}: ${error.message}`);
    }
    throw error;
  }
}
