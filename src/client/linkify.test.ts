import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkify } from './linkify';

const links = (body: string) => linkify(body).filter((part) => part.href !== undefined);

describe('linkify', () => {
  it('makes http and https addresses links, and keeps the rest text', () => {
    expect(linkify('See https://shop.example/orders?id=7#x and http://a.example')).toEqual([
      { text: 'See ' },
      { text: 'https://shop.example/orders?id=7#x', href: 'https://shop.example/orders?id=7#x' },
      { text: ' and ' },
      { text: 'http://a.example', href: 'http://a.example/' },
    ]);
  });

  it('leaves sentence punctuation and an unopened bracket out of the link', () => {
    expect(
      links('Look: https://a.example/x. Or (https://b.example/y), or https://c.example!'),
    ).toEqual([
      { text: 'https://a.example/x', href: 'https://a.example/x' },
      { text: 'https://b.example/y', href: 'https://b.example/y' },
      { text: 'https://c.example', href: 'https://c.example/' },
    ]);
    expect(links('https://en.wikipedia.org/wiki/Parley_(disambiguation)')[0]?.text).toBe(
      'https://en.wikipedia.org/wiki/Parley_(disambiguation)',
    );
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(document.cookie)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    '//evil.example/path',
    'xhttps://evil.example',
    'http://',
    'https://',
    'https:// evil.example',
    'https://bank.example@evil.example/login',
    '<a href="https://evil.example">click</a>',
    'https://' + 'a'.repeat(3000) + '.example',
  ])('never links %j to anything but http(s) of its own text', (body) => {
    for (const part of links(body)) {
      expect(new URL(part.href).protocol).toMatch(/^https?:$/);
      expect(body).toContain(part.text);
      expect(part.text).not.toMatch(/[<>"]/);
    }
    expect(links('javascript:alert(1)')).toEqual([]);
  });

  it('refuses the hostile ones outright', () => {
    for (const body of [
      'javascript:alert(1)',
      'data:text/html,hi',
      'xhttps://evil.example',
      'https://bank.example@evil.example/login',
      'https://' + 'a'.repeat(3000) + '.example',
    ]) {
      expect(links(body), body).toEqual([]);
    }
    // Only the part that is a link becomes one: the markup around it stays text.
    expect(links('<a href="https://evil.example">click</a>')).toEqual([
      { text: 'https://evil.example', href: 'https://evil.example/' },
    ]);
  });

  it('gives back exactly the text it was given, whatever it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (a, b) => {
        const body = `${a} https://x.example/${b} ${a}`;
        const parts = linkify(body);
        expect(parts.map((part) => part.text).join('')).toBe(body);
        for (const part of parts) {
          if (part.href) expect(['http:', 'https:']).toContain(new URL(part.href).protocol);
        }
      }),
    );
  });
});
