import { onBeforeUnmount } from 'vue';
import { signalTyping } from '../realtime/agent-actions';

/** After this long without a keystroke the agent has stopped typing. */
const IDLE_MS = 3_000;
/** While typing goes on, say so again now and then, in case the visitor's side timed it out. */
const REPEAT_MS = 4_000;

/** Tells the visitor when the agent types a reply, without a message per keystroke. */
export function useTypingSignal(conversationId: () => string): {
  typed: () => void;
  stopped: () => void;
} {
  let announcedAt: number | null = null;
  let announcedFor = '';
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  function typed(): void {
    if (announcedAt !== null && announcedFor !== conversationId()) stopped();
    if (announcedAt === null || Date.now() - announcedAt > REPEAT_MS) {
      announcedFor = conversationId();
      announcedAt = Date.now();
      signalTyping(announcedFor, true);
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stopped, IDLE_MS);
  }

  function stopped(): void {
    clearTimeout(idleTimer);
    if (announcedAt === null) return;
    signalTyping(announcedFor, false);
    announcedAt = null;
  }

  onBeforeUnmount(stopped);
  return { typed, stopped };
}
