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
