/**
 * The message catalogue's shape: every domain (serve, watch, doctor, ...) is one module in
 * src/i18n/ holding its texts in English and Chinese as a {@link Catalogue}, whose `zh` has
 * the type of `en`, so a key missing or of another shape in either language does not
 * compile. A text is a string, a function of its placeholders returning a string, or a
 * list or record of those. Domains are listed by name in src/i18n/registry.ts; commands
 * import only their own domain, so no start-up pays for the others.
 * @module
 */

/** The languages of human output. */
export type Lang = 'en' | 'zh';

export const LANGS: readonly Lang[] = ['en', 'zh'];

/** One domain's texts in both languages. */
export interface Catalogue<M> {
  readonly en: M;
  readonly zh: NoInfer<M>;
}

/** A domain's catalogue; `M` is the English side's type, which the Chinese side must have. */
export function catalogue<M>(en: M, zh: NoInfer<M>): Catalogue<M> {
  return { en, zh };
}

/** The texts of one language. */
export function pick<M>(c: Catalogue<M>, lang: Lang): M {
  return lang === 'zh' ? c.zh : c.en;
}

/** The parameters a text takes: a function's (a text parameter may be a message), none for a plain string. */
export type ArgsOf<T> = T extends (...args: infer P) => string ? { [I in keyof P]: P[I] extends string ? P[I] | Said : P[I] } : [];

/**
 * A message as data: which domain's text, its key and arguments, and its English text (for
 * JSON, logs, and the edge when the domain is not loaded). Plain data, so it crosses
 * threads (structured clone); rendered in the user's language at the edge ({@link render}).
 * An argument may itself be a Said (an OS reason inside a file error), rendered first.
 */
export interface Said {
  readonly domain: string;
  readonly key: string;
  readonly args: readonly unknown[];
  readonly text: string;
}

/** The catalogues whose messages were made in this process, by domain, shared by every bundle copy. */
const LOADED: Map<string, Catalogue<unknown>> = ((globalThis as Record<symbol, unknown>)[Symbol.for('tcpstate.catalogues')] ??= new Map()) as Map<string, Catalogue<unknown>>;

/** Is `v` a {@link Said}? */
export function isSaid(v: unknown): v is Said {
  const s = v as Said;
  return typeof s === 'object' && s !== null && typeof s.domain === 'string' && typeof s.key === 'string' && Array.isArray(s.args) && typeof s.text === 'string';
}

function textOf(texts: unknown, key: string, args: readonly unknown[], lang: Lang): string | undefined {
  const t = (texts as Record<string, unknown>)[key];
  const a = args.map((x) => (isSaid(x) ? render(x, lang) : x));
  return typeof t === 'function' ? String((t as (...a: unknown[]) => unknown)(...a)) : typeof t === 'string' ? t : undefined;
}

/**
 * A domain's message maker: `say('key', ...args)` is the {@link Said} of that text, its
 * arguments typed by the English text's parameters.
 */
export function sayer<M extends object>(domain: string, c: Catalogue<M>): <K extends keyof M & string>(key: K, ...args: ArgsOf<M[K]>) => Said {
  LOADED.set(domain, c as Catalogue<unknown>);
  return (key, ...args) => ({ domain, key, args, text: textOf(c.en, key, args, 'en') ?? key });
}

/** A message in `lang`; its English text when its domain is not loaded in this process. */
export function render(s: Said, lang: Lang): string {
  if (lang === 'en') return s.text;
  const c = LOADED.get(s.domain);
  return (c && textOf(c.zh, s.key, s.args, lang)) ?? s.text;
}

/** Text or a message, in `lang`. */
export function say(m: string | Said, lang: Lang): string {
  return typeof m === 'string' ? m : render(m, lang);
}
