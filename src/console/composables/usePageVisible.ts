import { readonly, ref, type Ref } from 'vue';

const visible = ref(document.visibilityState === 'visible');
document.addEventListener('visibilitychange', () => {
  visible.value = document.visibilityState === 'visible';
});

/** Whether the agent can see this tab right now. */
export function usePageVisible(): Readonly<Ref<boolean>> {
  return readonly(visible);
}
