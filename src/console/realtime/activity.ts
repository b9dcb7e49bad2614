import type { AgentSocket } from './connector';

/**
 * At most one report a minute: the idle time that turns an agent away is counted in minutes, and
 * a report is a database write.
 */
const REPORT_EVERY_MS = 60_000;
/** What shows the agent is at the console: typing, clicking, coming back to the tab. */
const SIGNS_OF_LIFE = ['keydown', 'pointerdown', 'focus'] as const;

/**
 * Tells the server the agent is at work (`presence:activity`), so that an idle "away" turns
 * online again and an active agent never turns away. Returns what stops it.
 */
export function reportActivity(socket: AgentSocket): () => void {
  let lastReport = 0;
  const report = () => {
    const now = Date.now();
    if (!socket.connected || now - lastReport < REPORT_EVERY_MS) return;
    lastReport = now;
    socket.volatile.emit('presence:activity', {});
  };
  const options = { capture: true, passive: true };
  for (const event of SIGNS_OF_LIFE) window.addEventListener(event, report, options);
  return () => {
    for (const event of SIGNS_OF_LIFE) window.removeEventListener(event, report, options);
  };
}
