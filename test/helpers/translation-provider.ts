/**
 * A translation provider on a local port, speaking the real API of LibreTranslate
 * (`POST /translate`), DeepL (`POST /v2/translate`) or an OpenAI-compatible endpoint
 * (`POST /v1/chat/completions`): it checks each request's shape and key as the real one does,
 * and translates Spanish ↔ English (and English → Chinese) word by word from a small dictionary,
 * leaving glossary placeholders (`{{0}}`) and unknown words alone. Tests switch it into the ways
 * providers fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProviderKind = 'libretranslate' | 'deepl' | 'openai';
export type ProviderMode =
  'ok' | 'down' | 'rate-limited' | 'html' | 'empty' | 'hang' | 'untranslated' | 'wrong-script';

export const PROVIDER_KEY = 'test-provider-key';

/** What a request asked for, as the fake read it (in the provider's own codes). */
export interface SeenRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
  text: string;
  source: string | null;
  target: string;
}

const ES_EN: Record<string, string> = {
  hola: 'hello',
  necesito: 'I need',
  ayuda: 'help',
  con: 'with',
  mi: 'my',
  pedido: 'order',
  quiero: 'I want',
  comprar: 'to buy',
  hoy: 'today',
  gracias: 'thank you',
  un: 'one',
  momento: 'moment',
  el: 'the',
  está: 'is',
  en: 'on',
  camino: 'the way',
  dónde: 'where',
  '¿dónde': 'where',
};
const EN_ES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ES_EN).map(([es, en]) => [en, es])),
  thanks: 'gracias',
  your: 'su',
  order: 'pedido',
  ships: 'sale',
  tomorrow: 'mañana',
  is: 'está',
};
const EN_ZH: Record<string, string> = {
  hello: '你好',
  thanks: '谢谢',
  order: '订单',
  your: '您的',
  hola: '你好',
  gracias: '谢谢',
};

/** Word by word, keeping punctuation, placeholders and words it does not know. */
function dictionaryTranslate(text: string, source: string | null, target: string): string {
  const base = (code: string | null) => (code ?? '').toLowerCase().split('-')[0]!;
  const table =
    base(target) === 'en'
      ? ES_EN
      : base(target) === 'es'
        ? EN_ES
        : base(target) === 'zh'
          ? EN_ZH
          : {};
  void source;
  return text.replace(/[\p{L}¿¡]+/gu, (word) => {
    const found = table[word.toLowerCase()];
    if (found === undefined) return word;
    return word[0] === word[0]!.toUpperCase() && word[0] !== word[0]!.toLowerCase()
      ? found[0]!.toUpperCase() + found.slice(1)
      : found;
  });
}

export class FakeProvider {
  mode: ProviderMode = 'ok';
  /** Every request that reached a translation path, answered or not. */
  readonly seen: SeenRequest[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    readonly kind: ProviderKind,
    private readonly server: Server,
  ) {}

  static async start(kind: ProviderKind): Promise<FakeProvider> {
    const holder: { fake?: FakeProvider } = {};
    const server = createServer((req, res) => void holder.fake!.handle(req, res));
    const fake = new FakeProvider(kind, server);
    holder.fake = fake;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests that reached the provider (each one a call a bill would count). */
  get calls(): number {
    return this.seen.length;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return reply(400, { error: 'not JSON' });
    }
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/json') {
      return reply(400, { error: 'expected a JSON POST' });
    }
    const asked = this.read(req, body);
    if (typeof asked === 'string')
      return reply(asked === 'forbidden' ? 403 : 400, { error: asked });
    this.seen.push(asked);
    switch (this.mode) {
      case 'down':
        return reply(500, { error: 'internal error' });
      case 'rate-limited':
        return reply(429, { error: 'Too many requests' });
      case 'hang':
        this.hanging.add(res);
        return;
      default:
        return reply(200, this.answer(this.translated(asked)));
    }
  }

  private translated(asked: SeenRequest): string {
    switch (this.mode) {
      case 'html':
        return `<p>${dictionaryTranslate(asked.text, asked.source, asked.target)}</p>`;
      case 'empty':
        return '   ';
      case 'untranslated':
        return asked.text;
      case 'wrong-script':
        return '这不是你要的语言，真的不是';
      default:
        return dictionaryTranslate(asked.text, asked.source, asked.target);
    }
  }

  /** The request as this provider's API defines it, or why the real one would refuse it. */
  private read(req: IncomingMessage, body: Record<string, unknown>): SeenRequest | string {
    const authorization = req.headers.authorization;
    const base = { path: req.url ?? '', authorization, body };
    if (this.kind === 'libretranslate') {
      if (req.url !== '/translate') return 'unknown path';
      const { q, source, target, format, api_key: key } = body;
      if (typeof q !== 'string' || typeof source !== 'string' || typeof target !== 'string')
        return 'q, source and target are required';
      if (format !== 'text') return 'format must be text';
      if (key !== PROVIDER_KEY) return 'forbidden';
      return { ...base, text: q, source: source === 'auto' ? null : source, target };
    }
    if (this.kind === 'deepl') {
      if (req.url !== '/v2/translate') return 'unknown path';
      if (authorization !== `DeepL-Auth-Key ${PROVIDER_KEY}`) return 'forbidden';
      const { text, target_lang: target, source_lang: source } = body;
      if (!Array.isArray(text) || text.length !== 1 || typeof text[0] !== 'string')
        return 'text must be an array of strings';
      if (typeof target !== 'string' || !/^[A-Z]{2}(-[A-Z]{2,4})?$/.test(target))
        return 'target_lang must be a DeepL code';
      // DeepL refuses the bare EN and PT as targets, and variants as sources.
      if (target === 'EN' || target === 'PT') return 'target_lang EN/PT is deprecated';
      if (source !== undefined && (typeof source !== 'string' || !/^[A-Z]{2}$/.test(source)))
        return 'source_lang must be a bare DeepL code';
      return {
        ...base,
        text: text[0] as string,
        source: (source as string | undefined) ?? null,
        target,
      };
    }
    if (req.url !== '/v1/chat/completions') return 'unknown path';
    if (authorization !== `Bearer ${PROVIDER_KEY}`) return 'forbidden';
    const { model, messages } = body;
    if (typeof model !== 'string' || !Array.isArray(messages))
      return 'model and messages are required';
    const system = (messages as { role: string; content: string }[]).find(
      (m) => m.role === 'system',
    );
    const user = (messages as { role: string; content: string }[]).find((m) => m.role === 'user');
    const target = /into [^(]*\(([A-Za-z-]+)\)/.exec(system?.content ?? '')?.[1];
    if (!user || !target)
      return 'a system prompt naming the target and a user message are required';
    return { ...base, text: user.content, source: null, target };
  }

  private answer(text: string): unknown {
    if (this.kind === 'libretranslate') return { translatedText: text };
    if (this.kind === 'deepl') return { translations: [{ detected_source_language: 'ES', text }] };
    return {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    };
  }
}
