import { onBeforeUnmount, onMounted, readonly, ref, type Ref } from 'vue';

/** Relative times only need to move about twice a minute. */
const TICK_MS = 30_000;

const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** One shared clock for every relative time on screen, running only while one is shown. */
export function useNow(): Readonly<Ref<number>> {
  onMounted(() => {
    if (users++ > 0) return;
    now.value = Date.now();
    timer = setInterval(() => (now.value = Date.now()), TICK_MS);
  });
  onBeforeUnmount(() => {
    if (--users === 0) clearInterval(timer);
  });
  return readonly(now);
}
