import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { applyBrowserLocale, i18n } from './i18n';
import { router } from './router';
import './styles/base.css';

const app = createApp(App).use(createPinia()).use(i18n).use(router);
try {
  await applyBrowserLocale();
} catch (error) {
  console.error('[parley] the browser language could not be loaded; staying in English', error);
}
app.mount('#app');
