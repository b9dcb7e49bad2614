import { describe, expect, it } from 'vitest';
import { widgetText } from './widget-texts';

describe('widgetText', () => {
  const widget = {
    title: 'Chat with Acme',
    greeting: '',
    localized: { es: { title: 'Habla con Acme', greeting: '¡Hola!' }, ja: {} },
  };

  it('takes the text written for the language, then the plain one, then none', () => {
    expect(widgetText(widget, 'es', 'title')).toBe('Habla con Acme');
    expect(widgetText(widget, 'es', 'greeting')).toBe('¡Hola!');
    expect(widgetText(widget, 'ja', 'title')).toBe('Chat with Acme');
    expect(widgetText(widget, 'de', 'greeting')).toBe('');
    expect(widgetText({}, 'de', 'offlineMessage')).toBe('');
  });
});
