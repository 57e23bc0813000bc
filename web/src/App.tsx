import { useEffect } from 'react';
import { I18nProvider, useI18n } from './i18n/index.tsx';
import { Routes } from './routes.tsx';
import { SessionProvider } from './session.tsx';

function DocumentTitle() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('app.name')} · ${t('app.tagline')}`;
  }, [t]);
  return null;
}

export function App() {
  return (
    <I18nProvider>
      <DocumentTitle />
      <SessionProvider>
        <Routes />
      </SessionProvider>
    </I18nProvider>
  );
}
