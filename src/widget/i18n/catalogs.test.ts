import { describe, expect, it } from 'vitest';
import { checkCatalog } from '../../client/catalog-check';
import { UI_LANGUAGES } from '../../protocol/ui-languages';
import * as en from './locales/en';

/** Every language's catalog module (`launcher` and `chat`), by tag. */
const catalogs = Object.fromEntries(
  Object.entries(import.meta.glob<unknown>('./locales/*.ts', { eager: true })).map(
    ([path, module]) => [path.slice('./locales/'.length, -3), module],
  ),
);

describe('the widget catalogs', () => {
  it('are one file per UI language, and no other', () => {
    expect(Object.keys(catalogs).sort()).toEqual([...UI_LANGUAGES].sort());
  });

  // Every key English has and no other, and the same {placeholders} per message. The widget has
  // no plural messages: counts go through Intl.
  it.each(UI_LANGUAGES.filter((tag) => tag !== 'en'))('%s matches English', (tag) => {
    expect(catalogs[tag], `src/widget/i18n/locales/${tag}.ts`).toBeDefined();
    const { launcher, chat } = catalogs[tag] as Record<string, unknown>;
    expect(checkCatalog(en.launcher, launcher, {}, 'launcher')).toEqual([]);
    expect(checkCatalog(en.chat, chat, {}, 'chat')).toEqual([]);
  });
});
