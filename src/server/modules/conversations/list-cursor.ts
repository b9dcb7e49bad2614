import { AppError } from '../../errors';

/** Where a conversation list page ended: the last row's sort key. */
export interface ListCursor {
  updatedAt: string;
  id: string;
}

/** Opaque to clients; base64url of the sort key, so they pass it back instead of building it. */
export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(parsed[0]) &&
    typeof parsed[1] === 'string' &&
    parsed[1].length > 0 &&
    parsed[1].length <= 64 &&
    !parsed[1].includes('\u0000') // PostgreSQL cannot even look it up
  ) {
    return { updatedAt: parsed[0], id: parsed[1] };
  }
  throw new AppError('invalid_payload', 'cursor: not a cursor this server gave out');
}
