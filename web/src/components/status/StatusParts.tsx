import { useState, type FormEvent, type ReactNode } from 'react';
import { fieldError } from '../../errors.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Field } from '../Field.tsx';
import { statusApi, type Bilingual, type ComponentStatus, type Impact, type IncidentStatus, type Maintenance, type MaintenanceState, type StatusComponent, type StatusIncident } from './statusApi.ts';

/** The text in the reader's language (React escapes it: user text is never markup). */
export function usePick(): (b: Bilingual) => string {
  const { locale } = useI18n();
  return (b) => (locale === 'zh-CN' ? b.zh || b.en : b.en || b.zh);
}

export const componentStatusKey = (s: ComponentStatus): MessageKey => `statusPage.component.${s}`;
export const incidentStatusKey = (s: IncidentStatus): MessageKey => `statusPage.incident.${s}`;
export const impactKey = (s: Impact): MessageKey => `statusPage.impact.${s}`;
export const maintenanceStateKey = (s: MaintenanceState): MessageKey => `statusPage.maintenance.${s}`;

export function ComponentStatusBadge({ status }: { status: ComponentStatus }) {
  const { t } = useI18n();
  return <span className={`badge sp-status sp-status-${status}`}>{t(componentStatusKey(status))}</span>;
}

export function ComponentList({ components }: { components: StatusComponent[] }) {
  const { t } = useI18n();
  const pick = usePick();
  const groups: Array<{ kind: 'service' | 'region'; title: MessageKey }> = [
    { kind: 'service', title: 'statusPage.services' },
    { kind: 'region', title: 'statusPage.regions' },
  ];
  return (
    <>
      {groups.map((g) => {
        const items = components.filter((c) => c.kind === g.kind);
        if (items.length === 0) return null;
        return (
          <section key={g.kind} className="card panel" aria-labelledby={`sp-${g.kind}`}>
            <h2 id={`sp-${g.kind}`} className="panel-title">
              {t(g.title)}
            </h2>
            <ul className="sp-components">
              {items.map((c) => (
                <li key={c.id} data-testid={`component-${c.id}`}>
                  <span className="sp-component-name">
                    {pick(c.name)}
                    {pick(c.description) && <span className="muted small"> — {pick(c.description)}</span>}
                  </span>
                  <ComponentStatusBadge status={c.status} />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </>
  );
}

export function IncidentCard({ incident, components }: { incident: StatusIncident; components: StatusComponent[] }) {
  const { t, fmt } = useI18n();
  const pick = usePick();
  const affected = incident.componentIds.map((id) => components.find((c) => c.id === id)).filter((c): c is StatusComponent => c !== undefined);
  return (
    <article className="card panel sp-incident" aria-label={pick(incident.title)}>
      <header className="sp-incident-head">
        <h3>{pick(incident.title)}</h3>
        <span className={`badge sp-incident-status sp-incident-${incident.status}`}>{t(incidentStatusKey(incident.status))}</span>
        <span className={`badge sp-impact sp-impact-${incident.impact}`}>{t(impactKey(incident.impact))}</span>
      </header>
      {affected.length > 0 && (
        <div className="muted small">
          {t('statusPage.affects')}
          {affected.map((c) => pick(c.name)).join(' · ')}
        </div>
      )}
      <ol className="sp-updates">
        {incident.updates.map((u) => (
          <li key={u.id}>
            <strong>{t(incidentStatusKey(u.status))}</strong> <time dateTime={u.createdAt} className="muted small">{fmt.dateTime(u.createdAt)}</time>
            <p className="sp-update-body">{pick(u.body)}</p>
          </li>
        ))}
      </ol>
    </article>
  );
}

export function MaintenanceItem({ m, components, action }: { m: Maintenance; components: StatusComponent[]; action?: ReactNode }) {
  const { t, fmt } = useI18n();
  const pick = usePick();
  const affected = m.componentIds.map((id) => components.find((c) => c.id === id)).filter((c): c is StatusComponent => c !== undefined);
  return (
    <li className="sp-maintenance" aria-label={pick(m.title)}>
      <div className="sp-incident-head">
        <strong>{pick(m.title)}</strong>
        <span className={`badge sp-mstate sp-mstate-${m.state}`}>{t(maintenanceStateKey(m.state))}</span>
      </div>
      <div className="muted small">
        <time dateTime={m.startsAt}>{fmt.dateTime(m.startsAt)}</time> – <time dateTime={m.endsAt}>{fmt.dateTime(m.endsAt)}</time>
        {affected.length > 0 && <> · {affected.map((c) => pick(c.name)).join(' · ')}</>}
      </div>
      {pick(m.body) && <p className="sp-update-body">{pick(m.body)}</p>}
      {action}
    </li>
  );
}

/** Subscribe by e-mail: the server sends a confirmation link (double opt-in). */
export function SubscribeForm() {
  const { t, locale } = useI18n();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await statusApi.subscribe(email, locale === 'zh-CN' ? 'zh' : 'en');
      setSent(email);
      setEmail('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card panel stack" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="sp-subscribe">
      <h2 id="sp-subscribe" className="panel-title">
        {t('statusPage.subscribe.title')}
      </h2>
      <p className="muted small">{t('statusPage.subscribe.hint')}</p>
      <Field label={t('statusPage.subscribe.email')} required error={fieldError(error, 'body.email')}>
        {(p) => <input {...p} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
      </Field>
      <ErrorNotice error={error} inline={['body.email']} />
      {sent && (
        <div className="notice" role="status">
          {t('statusPage.subscribe.sent', { email: sent })}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || email.trim() === ''}>
          {t('statusPage.subscribe.submit')}
        </button>
      </div>
    </form>
  );
}
