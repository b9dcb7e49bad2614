/**
 * What time it is, for the rules that depend on it (session expiry). Injected, so tests move it
 * instead of sleeping.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The clock's time as the store keeps times: ISO 8601, UTC, with milliseconds. */
export const isoNow = (clock: Clock): string => new Date(clock.now()).toISOString();
