import { describe, expect, it } from 'vitest';
import { DETECTION_FIXTURE, UNDETECTABLE } from './detect-fixture';
import { DETECTION_MAX_CHARS, detectLanguage } from './detect-language';

describe('detectLanguage on short chat messages', () => {
  it('is right for at least 90% of the fixture, and never confidently wrong for most', () => {
    const perLanguage = new Map<string, { total: number; right: number; confident: number }>();
    let right = 0;
    let confidentlyWrong = 0;
    for (const [language, text] of DETECTION_FIXTURE) {
      const found = detectLanguage(text);
      const row = perLanguage.get(language) ?? { total: 0, right: 0, confident: 0 };
      row.total += 1;
      if (found?.language === language) {
        row.right += 1;
        right += 1;
        if (found.confident) row.confident += 1;
      } else if (found?.confident) confidentlyWrong += 1;
      perLanguage.set(language, row);
    }
    const table = [...perLanguage].map(([language, row]) => ({
      language,
      messages: row.total,
      right: `${Math.round((100 * row.right) / row.total)}%`,
      'right & confident': `${Math.round((100 * row.confident) / row.total)}%`,
    }));
    const overall = (100 * right) / DETECTION_FIXTURE.length;
    console.log(
      `language detection: ${right}/${DETECTION_FIXTURE.length} right (${overall.toFixed(1)}%), ` +
        `${confidentlyWrong} confidently wrong`,
    );
    console.table(table);
    // What detection adds to each message (printed for the record, never asserted: machines vary).
    const rounds = 20;
    const started = performance.now();
    for (let i = 0; i < rounds; i++) for (const [, text] of DETECTION_FIXTURE) detectLanguage(text);
    const micros = ((performance.now() - started) * 1000) / (rounds * DETECTION_FIXTURE.length);
    console.log(`language detection: ${micros.toFixed(0)} µs per message`);
    expect(perLanguage.size).toBeGreaterThanOrEqual(12);
    expect(overall).toBeGreaterThanOrEqual(90);
    expect(confidentlyWrong).toBeLessThanOrEqual(DETECTION_FIXTURE.length * 0.03);
  });

  it('keeps the fixture to short messages of 3 to 60 characters', () => {
    const lengths = DETECTION_FIXTURE.map(([, text]) => [...text].length);
    expect(DETECTION_FIXTURE.length).toBeGreaterThanOrEqual(200);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(60);
  });

  it.each(UNDETECTABLE)('leaves %j undetected', (text) => {
    expect(detectLanguage(text)).toBeNull();
  });

  it('leaves text in a script it cannot tell apart, or mixed scripts, undetected', () => {
    expect(detectLanguage('ok 好 да')).toBeNull();
    expect(detectLanguage('\u0000\u0001\ufffd\ufffd\u0007ÿþ\u0010')).toBeNull();
    expect(
      detectLanguage('\u0001\u0002ÿþ\u00ad\ufffd\ufffd%PDF-1.4 ��\u0003 0x1f 0x8b'),
    ).toBeNull();
    expect(detectLanguage('thank you so much 🙏🙏🙏👨‍👩‍👧')?.language).toBe('en');
    expect(detectLanguage('ok\nwhere\nis\nmy\norder\r\n\t?')?.language).toBe('en');
  });

  it('tells the scripts and letters apart that detectors confuse', () => {
    expect(detectLanguage('請問這個多少錢')).toEqual({ language: 'zh-Hant', confident: true });
    expect(detectLanguage('请问这个多少钱')).toEqual({ language: 'zh-Hans', confident: true });
    expect(detectLanguage('これはいくらですか')).toEqual({ language: 'ja', confident: true });
    expect(detectLanguage('скільки коштує')).toEqual({ language: 'uk', confident: true });
    expect(detectLanguage('сколько стоит доставка')).toEqual({ language: 'ru', confident: true });
    expect(detectLanguage('saya nak tukar alamat')?.language).toBe('ms');
    expect(detectLanguage('saya mau ganti alamat')?.language).toBe('id');
  });

  it('says a Han text with no telling character is a guess, not Simplified for sure', () => {
    expect(detectLanguage('你好')).toEqual({ language: 'zh-Hans', confident: false });
  });

  it('reads only the start of a huge text, quickly', () => {
    const huge = 'onde está o meu pedido, por favor? '.repeat(100_000);
    expect(huge.length).toBeGreaterThan(DETECTION_MAX_CHARS * 100);
    expect(detectLanguage(huge)).toEqual({ language: 'pt', confident: true });
  });

  it('ignores links, order numbers and handles around the words', () => {
    expect(detectLanguage('https://shop.example/p/12345 #4471 wo bleibt meine bestellung')).toEqual(
      {
        language: 'de',
        confident: true,
      },
    );
  });
});
