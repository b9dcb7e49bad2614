import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { applyLocale, i18n } from './i18n';
import { disconnectRealtime } from './realtime/connector';
import { router } from './router';
import { followSignOutElsewhere } from './session-exit';
import { useSessionStore } from './stores/session';
import './styles/base.css';

const pinia = createPinia();
const app = createApp(App).use(pinia).use(i18n).use(router);
const session = useSessionStore(pinia);
// Signed out in another tab: this one leaves too, at once, and says why.
followSignOutElsewhere(() => session.me !== null, disconnectRealtime);
try {
  await applyLocale();
} catch (error) {
  console.error('[parley] the browser language could not be loaded; staying in English', error);
}
app.mount('#app');
