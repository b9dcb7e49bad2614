import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeProvider,
  PROVIDER_KEY,
  type ProviderKind,
} from '../../../../test/helpers/translation-provider';
import { protectTerms, restoreTerms, type GlossaryEntry } from './glossary';
import { adapterFor, deepLTarget, ProviderError } from './providers';
import { translateText } from './translate';

const KINDS: ProviderKind[] = ['libretranslate', 'deepl', 'openai'];
const GLOSSARY: GlossaryEntry[] = [
  { term: 'Parley', translation: null },
  { term: 'envío express', translation: 'express shipping' },
];

describe.each(KINDS)('the %s adapter, against a server speaking its API', (kind) => {
  let fake: FakeProvider;
  const adapter = () =>
    adapterFor({ provider: kind, url: fake.url, key: PROVIDER_KEY, model: 'test-model' }, 1000);
  const translate = (text: string, source: string | null, target: string) =>
    translateText(adapter(), { text, source, target, glossary: GLOSSARY });

  beforeAll(async () => {
    fake = await FakeProvider.start(kind);
  });
  afterAll(() => fake.close());

  it('translates both ways, with the key and language codes the API expects', async () => {
    fake.mode = 'ok';
    expect(await translate('Hola, necesito ayuda con mi pedido', 'es', 'en')).toBe(
      'Hello, I need help with my order',
    );
    expect(await translate('Thanks, your order ships tomorrow', 'en', 'es')).toBe(
      'Gracias, su pedido sale mañana',
    );
    const [toEnglish, toSpanish] = fake.seen.slice(-2);
    if (kind === 'libretranslate') {
      expect(toEnglish!.body).toMatchObject({ source: 'es', target: 'en', format: 'text' });
      expect(toEnglish!.body.api_key).toBe(PROVIDER_KEY);
    } else if (kind === 'deepl') {
      expect(toEnglish!.authorization).toBe(`DeepL-Auth-Key ${PROVIDER_KEY}`);
      expect(toEnglish!.body).toMatchObject({ source_lang: 'ES', target_lang: 'EN-US' });
      expect(toSpanish!.body).toMatchObject({ source_lang: 'EN', target_lang: 'ES' });
    } else {
      expect(toEnglish!.authorization).toBe(`Bearer ${PROVIDER_KEY}`);
      expect(toEnglish!.body.model).toBe('test-model');
      const system = (toEnglish!.body.messages as { role: string; content: string }[])[0]!;
      expect(system.role).toBe('system');
      expect(system.content).toContain('Output only the translation');
      expect(system.content).toContain('"Parley"');
    }
  });

  it('keeps never-translated terms and uses the fixed translations of the glossary', async () => {
    fake.mode = 'ok';
    expect(await translate('Hola, quiero comprar Parley con envío express hoy', 'es', 'en')).toBe(
      'Hello, I want to buy Parley with express shipping today',
    );
    // The provider never saw the terms, only placeholders it kept.
    expect(fake.seen.at(-1)!.text).toBe('Hola, quiero comprar {{0}} con {{1}} hoy');
  });

  it.each([
    ['html', 'HTML'],
    ['empty', 'empty'],
    ['down', '500'],
    ['rate-limited', '429'],
    ['hang', 'within 1000 ms'],
    ['wrong-script', 'did not answer in en'],
  ] as const)('refuses a provider answering %s', async (mode, reason) => {
    fake.mode = mode;
    const failure = translate('Hola, necesito ayuda con mi pedido', 'es', 'en');
    await expect(failure).rejects.toBeInstanceOf(ProviderError);
    await expect(failure).rejects.toThrow(reason);
  });

  it('refuses the text given back untranslated, in another language than asked', async () => {
    fake.mode = 'untranslated';
    const result = translate('Hola, necesito ayuda con mi pedido', 'es', 'en');
    await expect(result).rejects.toThrow('did not answer in en');
  });

  if (kind !== 'openai') {
    it('accepts a text the provider leaves as it is when it has no language (names, numbers)', async () => {
      fake.mode = 'untranslated';
      await expect(translate('Parley Pro 2000, ref AB-1234', 'es', 'en')).resolves.toBe(
        'Parley Pro 2000, ref AB-1234',
      );
    });
  }
});

describe('the glossary', () => {
  it('matches terms as plain text on word boundaries, never as patterns', () => {
    const entries: GlossaryEntry[] = [
      { term: 'a.b*', translation: null },
      { term: 'Par', translation: null },
      { term: '(.*)', translation: 'X' },
    ];
    const protectedText = protectTerms('Parley a.b* aXb (.*) par', entries);
    // "Par" inside "Parley" is not the term; "a.b*" is not a regex that matches "aXb".
    expect(protectedText.text).toBe('Parley {{0}} aXb {{1}} {{2}}');
    expect(restoreTerms('{{0}} {{1}} {{2}}', protectedText.restore)).toBe('a.b* X par');
  });

  it('matches inside words in scripts written without spaces', () => {
    const { text } = protectTerms('我想买派乐云服务', [{ term: '派乐云', translation: null }]);
    expect(text).toBe('我想买{{0}}服务');
  });

  it('takes a missing, repeated or unknown placeholder for a bad answer', () => {
    expect(restoreTerms('no placeholder', ['Parley'])).toBeNull();
    expect(restoreTerms('{{0}} {{0}}', ['Parley'])).toBeNull();
    expect(restoreTerms('{{0}} {{1}}', ['Parley'])).toBeNull();
    expect(restoreTerms('{{ 0 }} ok', ['Parley'])).toBe('Parley ok');
  });

  it('stays fast with 500 terms of 100 characters', () => {
    const entries = Array.from({ length: 500 }, (_, i) => ({
      term: `${'x'.repeat(95)}${String(i).padStart(5, '0')}`,
      translation: null,
    }));
    const text = `${'y '.repeat(2000)}${entries[499]!.term}`;
    expect(protectTerms(text, entries).restore).toEqual([entries[499]!.term]);
  });
});

describe('DeepL target codes', () => {
  it('names English and Portuguese by variant and Chinese by script', () => {
    expect(deepLTarget('en')).toBe('EN-US');
    expect(deepLTarget('en-GB')).toBe('EN-GB');
    expect(deepLTarget('pt')).toBe('PT-BR');
    expect(deepLTarget('pt-PT')).toBe('PT-PT');
    expect(deepLTarget('zh-Hans')).toBe('ZH-HANS');
    expect(deepLTarget('zh-TW')).toBe('ZH-HANT');
    expect(deepLTarget('es')).toBe('ES');
  });
});
