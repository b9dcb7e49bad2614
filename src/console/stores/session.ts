import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Agent } from '../../protocol/schemas';
import {
  fetchCurrentAgent,
  saveAgentLanguages,
  signIn,
  signOut,
  type AgentLanguages,
} from '../api/auth';
import { applyLocale } from '../i18n';
import { forgetSignOut } from '../session-exit';

export const useSessionStore = defineStore('session', () => {
  const me = ref<Agent | null>(null);
  const checked = ref(false);
  /** The organization requires two-factor sign-in and this agent has none: Profile only. */
  const twoFactorSetupRequired = ref(false);
  const twoFactorEnabled = ref(false);
  /** The console language the agent picked in Profile; null: the browser's. */
  const locale = ref<string | null>(null);
  /** The languages the agent speaks (Profile), which routing prefers. */
  const languages = ref<string[]>([]);
  /** Owners and admins change sites; the console shows them what only they may use. */
  const isAdmin = computed(() => me.value?.role === 'owner' || me.value?.role === 'admin');
  /** Supervisors and up watch over their departments' conversations, not only their own. */
  const isSupervisor = computed(() => me.value !== null && me.value.role !== 'agent');

  /** Asks the server once per page load who is signed in. */
  async function ensureChecked(): Promise<void> {
    if (checked.value) return;
    await refresh();
    checked.value = true;
  }

  async function refresh(): Promise<void> {
    const current = await fetchCurrentAgent();
    me.value = current?.agent ?? null;
    twoFactorSetupRequired.value = current?.twoFactorSetupRequired ?? false;
    twoFactorEnabled.value = current?.twoFactorEnabled ?? false;
    await takeLanguages(current ?? { locale: null, languages: [] });
  }

  /** The agent's choice wins over the browser's languages, at once. */
  async function takeLanguages(chosen: AgentLanguages): Promise<void> {
    locale.value = chosen.locale;
    languages.value = chosen.languages;
    await applyLocale(chosen.locale).catch((error: unknown) => {
      console.error('[parley] the chosen language could not be loaded', error);
    });
  }

  async function saveLanguages(changes: Partial<AgentLanguages>): Promise<void> {
    await takeLanguages(await saveAgentLanguages(changes));
  }

  async function login(email: string, password: string, code?: string): Promise<void> {
    me.value = await signIn(email, password, code);
    forgetSignOut();
    // Where the agent stands with two-factor sign-in (the sign-in reply does not say).
    await refresh();
    checked.value = true;
  }

  async function logout(): Promise<void> {
    await signOut();
    me.value = null;
    await takeLanguages({ locale: null, languages: [] });
  }

  return {
    me,
    checked,
    isAdmin,
    isSupervisor,
    twoFactorSetupRequired,
    twoFactorEnabled,
    locale,
    languages,
    saveLanguages,
    ensureChecked,
    refresh,
    login,
    logout,
  };
});
