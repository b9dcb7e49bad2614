/** Whole minutes and hours between two times, for "time on site"; never negative. */
export function elapsed(fromIso: string, now: number): { hours: number; minutes: number } {
  const totalMinutes = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 60_000));
  return { hours: Math.floor(totalMinutes / 60), minutes: totalMinutes % 60 };
}
