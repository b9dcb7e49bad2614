import { onBeforeUnmount, watch } from 'vue';
import { signalViewing } from '../realtime/agent-actions';
import { firstConnect } from '../realtime/connector';
import { VIEWING_REPEAT_MS } from '../stores/inbox';

/**
 * Tells colleagues this console shows the conversation `id()` (collision), again every little
 * while so that a socket or node that died stops showing, and that it left when it does.
 */
export function useViewing(id: () => string): void {
  let shown: string | null = null;
  const timer = setInterval(() => {
    if (shown !== null) signalViewing(shown, true);
  }, VIEWING_REPEAT_MS);
  const leave = () => {
    if (shown !== null) signalViewing(shown, false);
    shown = null;
  };
  watch(
    id,
    (next) => {
      leave();
      shown = next;
      signalViewing(next, true);
    },
    { immediate: true },
  );
  // A signal sent before the first connect is dropped: say it again once connected.
  void firstConnect().then(() => {
    if (shown !== null) signalViewing(shown, true);
  });
  onBeforeUnmount(() => {
    clearInterval(timer);
    leave();
  });
}
