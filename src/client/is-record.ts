/** An object whose fields can be read one by one, to check what another party sent or stored. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
