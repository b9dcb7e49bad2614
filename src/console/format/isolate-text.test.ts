import { describe, expect, it } from 'vitest';
import { isolateText } from './isolate-text';

const [FSI, PDI, RLO, PDF, RLI] = ['\u2068', '\u2069', '\u202E', '\u202C', '\u2067'];

describe('isolateText', () => {
  it('wraps text in a first-strong isolate', () => {
    expect(isolateText('مرحبا!')).toBe(`${FSI}مرحبا!${PDI}`);
  });

  it('closes an override the text leaves open', () => {
    expect(isolateText(`evil ${RLO}override`)).toBe(`${FSI}evil ${RLO}override${PDF}${PDI}`);
  });

  it('drops closers that close nothing of the text, so they cannot end the isolate', () => {
    expect(isolateText(`${PDI}${PDF}${RLO}evil`)).toBe(`${FSI}${RLO}evil${PDF}${PDI}`);
  });

  it('keeps balanced controls, and lets an isolate end the overrides opened inside it', () => {
    expect(isolateText(`a ${RLO}b${PDF} c`)).toBe(`${FSI}a ${RLO}b${PDF} c${PDI}`);
    expect(isolateText(`${RLI}${RLO}b${PDI} c ${RLI}d`)).toBe(
      `${FSI}${RLI}${RLO}b${PDI} c ${RLI}d${PDI}${PDI}`,
    );
  });

  it('does not let a pop inside an isolate close an override opened before it', () => {
    expect(isolateText(`${RLO}a${RLI}b${PDF}c`)).toBe(`${FSI}${RLO}a${RLI}bc${PDI}${PDF}${PDI}`);
  });
});
