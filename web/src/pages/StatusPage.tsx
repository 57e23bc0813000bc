import { useEffect } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { Loading } from '../components/Loading.tsx';
import { ComponentList, componentStatusKey, IncidentCard, MaintenanceItem, SubscribeForm } from '../components/status/StatusParts.tsx';
import { statusApi } from '../components/status/statusApi.ts';
import { useEvery, useLoad } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';

/** The public status page: no sign-in. Components, incidents with their updates, maintenance, subscribing. */
export function StatusPage() {
  const { t, fmt } = useI18n();
  const feed = useLoad(() => statusApi.feed(), []);
  useEvery(60_000, () => void feed.reload());
  useEffect(() => {
    document.title = `${t('statusPage.title')} · ${t('app.name')}`;
  }, [t]);
  const f = feed.data;
  const active = f?.incidents.filter((i) => i.status !== 'resolved') ?? [];
  const past = f?.incidents.filter((i) => i.status === 'resolved') ?? [];
  const upcoming = f?.maintenance.filter((m) => m.state !== 'completed') ?? [];
  const done = f?.maintenance.filter((m) => m.state === 'completed') ?? [];
  return (
    <div className="status-public">
      <header className="sp-header">
        <div>
          <div className="brand">{t('app.name')}</div>
          <h1>{t('statusPage.title')}</h1>
        </div>
        <LanguageSwitch />
      </header>
      <main className="stack">
        <ErrorNotice error={feed.error} />
        {!f ? (
          !feed.error && <Loading />
        ) : (
          <>
            <div className={`sp-overall sp-overall-${f.status}`} role="status">
              <strong>{f.status === 'operational' ? t('statusPage.allOperational') : t(componentStatusKey(f.status))}</strong>
              <span className="muted small">{t('statusPage.updatedAt', { time: fmt.dateTime(f.generatedAt) })}</span>
            </div>
            {active.length > 0 && (
              <section aria-labelledby="sp-active" className="stack">
                <h2 id="sp-active">{t('statusPage.activeIncidents')}</h2>
                {active.map((i) => (
                  <IncidentCard key={i.id} incident={i} components={f.components} />
                ))}
              </section>
            )}
            {upcoming.length > 0 && (
              <section aria-labelledby="sp-maint" className="card panel">
                <h2 id="sp-maint" className="panel-title">
                  {t('statusPage.maintenanceTitle')}
                </h2>
                <ul className="sp-maintenance-list">
                  {upcoming.map((m) => (
                    <MaintenanceItem key={m.id} m={m} components={f.components} />
                  ))}
                </ul>
              </section>
            )}
            {f.components.length === 0 ? <div className="empty">{t('statusPage.noComponents')}</div> : <ComponentList components={f.components} />}
            <section aria-labelledby="sp-history" className="stack">
              <h2 id="sp-history">{t('statusPage.history')}</h2>
              {past.length === 0 && done.length === 0 && <div className="empty">{t('statusPage.noHistory')}</div>}
              {past.map((i) => (
                <IncidentCard key={i.id} incident={i} components={f.components} />
              ))}
              {done.length > 0 && (
                <ul className="card panel sp-maintenance-list">
                  {done.map((m) => (
                    <MaintenanceItem key={m.id} m={m} components={f.components} />
                  ))}
                </ul>
              )}
            </section>
            <SubscribeForm />
          </>
        )}
      </main>
    </div>
  );
}
