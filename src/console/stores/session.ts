import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Agent } from '../../protocol/schemas';
import { fetchCurrentAgent, signIn, signOut } from '../api/auth';
import { forgetSignOut } from '../session-exit';

export const useSessionStore = defineStore('session', () => {
  const me = ref<Agent | null>(null);
  const checked = ref(false);
  /** Owners and admins change sites; the console shows them what only they may use. */
  const isAdmin = computed(() => me.value?.role === 'owner' || me.value?.role === 'admin');

  /** Asks the server once per page load who is signed in. */
  async function ensureChecked(): Promise<void> {
    if (checked.value) return;
    me.value = await fetchCurrentAgent();
    checked.value = true;
  }

  async function login(email: string, password: string, code?: string): Promise<void> {
    me.value = await signIn(email, password, code);
    checked.value = true;
    forgetSignOut();
  }

  async function logout(): Promise<void> {
    await signOut();
    me.value = null;
  }

  return { me, checked, isAdmin, ensureChecked, login, logout };
});
