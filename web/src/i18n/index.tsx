import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey, type Messages } from './en.ts';
import { makeFormatters, type Formatters } from './format.ts';
import { initialLocale, rememberLocale, type Locale } from './locale.ts';
import { zhCN } from './zh-CN.ts';

export type { MessageKey } from './en.ts';
export { LOCALES, LOCALE_NAMES, type Locale } from './locale.ts';

const CATALOGS: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface I18n {
  locale: Locale;
  setLocale(l: Locale): void;
  t: Translate;
  fmt: Formatters;
}

const I18nContext = createContext<I18n | null>(null);

export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  const text = CATALOGS[locale][key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Follows the browser's language until the person picks one in the header; the pick is remembered. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    rememberLocale(l);
    setLocaleState(l);
  }, []);
  const value = useMemo<I18n>(() => ({ locale, setLocale, t: (key, vars) => translate(locale, key, vars), fmt: makeFormatters(locale) }), [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside <I18nProvider>');
  return ctx;
}
