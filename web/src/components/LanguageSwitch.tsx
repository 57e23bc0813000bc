import { LOCALE_NAMES, LOCALES, useI18n } from '../i18n/index.tsx';

/** Two buttons, each language named in itself; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LOCALES.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={l === locale} className={l === locale ? 'active' : ''} onClick={() => setLocale(l)}>
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </div>
  );
}
