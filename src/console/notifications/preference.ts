import { computed, ref } from 'vue';
import { prepareChime } from './chime';

const STORAGE_KEY = 'parley.console.notifications';

type NotificationPermissionState = NotificationPermission | 'unsupported';

const supported = typeof window !== 'undefined' && 'Notification' in window;
const permission = ref<NotificationPermissionState>(
  supported ? Notification.permission : 'unsupported',
);
const wanted = ref(supported && localStorage.getItem(STORAGE_KEY) === 'on');

export const notificationPermission = computed(() => permission.value);
/** The agent asked for alerts and the browser allows them. */
export const notificationsActive = computed(() => wanted.value && permission.value === 'granted');

/** Must run inside the click that asks: browsers ignore permission requests made on their own. */
export async function enableNotifications(): Promise<void> {
  if (!supported) return;
  prepareChime();
  permission.value = await Notification.requestPermission();
  remember(permission.value === 'granted');
}

export function disableNotifications(): void {
  remember(false);
}

/** Audio stays locked until the agent touches the page; unlock it on the first gesture. */
export function prepareSoundOnFirstGesture(): void {
  if (!notificationsActive.value) return;
  const unlock = (): void => prepareChime();
  window.addEventListener('pointerdown', unlock, { once: true, capture: true });
  window.addEventListener('keydown', unlock, { once: true, capture: true });
}

function remember(on: boolean): void {
  wanted.value = on;
  localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
}
