import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';
import { Loading } from '../components/Loading.tsx';
import { fieldError } from '../errors.ts';
import { useLoad } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { ROBOT_KINDS, type Org, type OrgNotifySettings, type RobotKind } from '../types.ts';

/** Admin: the customer organizations and who at each hears about quality incidents that affect it. */
export function OrgsPage() {
  const { t } = useI18n();
  const orgs = useLoad(async () => (await api.orgs()).items, []);
  const [chosen, setChosen] = useState<string | null>(null);
  if (!orgs.data) return orgs.error ? <ErrorNotice error={orgs.error} /> : <Loading />;
  const current = orgs.data.find((o) => o.id === chosen) ?? orgs.data[0];
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('orgs.title')}</h1>
        <span className="muted">{t('orgs.subtitle')}</span>
      </div>
      {orgs.data.length === 0 ? (
        <div className="empty">{t('orgs.none')}</div>
      ) : (
        <div className="orgs-layout">
          <div className="card table-card">
            <table className="table" aria-label={t('orgs.title')}>
              <thead>
                <tr>
                  <th>{t('orgs.col.name')}</th>
                  <th>{t('orgs.col.tier')}</th>
                  <th>{t('orgs.col.apps')}</th>
                  <th>{t('orgs.col.regions')}</th>
                </tr>
              </thead>
              <tbody>
                {orgs.data.map((o) => (
                  <tr key={o.id} className={`row-link${o.id === current?.id ? ' is-selected' : ''}`} aria-selected={o.id === current?.id} onClick={() => setChosen(o.id)}>
                    <td>
                      <button type="button" className="link-button" onClick={() => setChosen(o.id)}>
                        {o.name}
                      </button>
                    </td>
                    <td>
                      <span className="badge tier">{t(`tier.${o.tier}`)}</span>
                    </td>
                    <td className="muted small">{o.appIds.join(', ') || '—'}</td>
                    <td className="muted small">{o.regions.join(', ') || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {current && <NotifySettings key={current.id} org={current} />}
        </div>
      )}
    </div>
  );
}

interface Draft {
  robot: boolean;
  kind: RobotKind;
  url: string;
  /** Typed secret; '' leaves the stored one unless `dropSecret`. */
  secret: string;
  dropSecret: boolean;
  emails: string[];
}

const draftOf = (s: OrgNotifySettings): Draft => ({ robot: s.im !== null, kind: (s.im?.kind as RobotKind | undefined) ?? 'dingtalk', url: s.im?.url ?? '', secret: '', dropSecret: false, emails: s.emails });

function NotifySettings({ org }: { org: Org }) {
  const { t, fmt } = useI18n();
  const settings = useLoad(() => api.orgNotifySettings(org.id), [org.id]);
  const [saved, setSaved] = useState(false);
  if (!settings.data) return settings.error ? <ErrorNotice error={settings.error} /> : <Loading />;
  // Keyed by the stored version: a save remounts the form with what the server kept, and says so
  // once that is on screen.
  return (
    <NotifyForm
      key={settings.data.updatedAt ?? 'new'}
      org={org}
      stored={settings.data}
      saved={saved}
      onEdit={() => setSaved(false)}
      onSaved={() => settings.reload().then(() => setSaved(true))}
      updatedAt={settings.data.updatedAt ? fmt.dateTime(settings.data.updatedAt) : t('orgs.notify.never')}
    />
  );
}

interface FormProps {
  org: Org;
  stored: OrgNotifySettings;
  saved: boolean;
  onEdit(): void;
  onSaved(): Promise<void>;
  updatedAt: string;
}

function NotifyForm({ org, stored, saved, onEdit, onSaved, updatedAt }: FormProps) {
  const { t } = useI18n();
  const [d, setD] = useState<Draft>(() => draftOf(stored));
  const [newEmail, setNewEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = (patch: Partial<Draft>) => {
    onEdit();
    setD((x) => ({ ...x, ...patch }));
  };
  const addEmail = () => {
    const e = newEmail.trim();
    if (e && !d.emails.includes(e)) set({ emails: [...d.emails, e] });
    setNewEmail('');
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const secret = d.secret !== '' ? { secret: d.secret } : d.dropSecret ? { secret: '' } : {};
      await api.saveOrgNotifySettings(org.id, { im: d.robot ? { kind: d.kind, url: d.url.trim(), ...secret } : null, emails: d.emails });
      await onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card panel stack" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="org-notify-title">
      <h2 id="org-notify-title" className="panel-title">
        {t('orgs.notify.title', { name: org.name })}
      </h2>
      <p className="muted hint-text">{t(`orgs.notify.route.${org.tier}`)}</p>
      {saved && (
        <div className="notice notice-ok" role="status" data-testid="org-notify-saved">
          {t('orgs.notify.saved')}
        </div>
      )}
      <label className="check">
        <input type="checkbox" checked={d.robot} onChange={(e) => set({ robot: e.target.checked })} />
        {t('orgs.notify.robot')}
      </label>
      {d.robot && (
        <>
          <div className="grid-2">
            <Field label={t('orgs.notify.kind')} error={fieldError(error, 'body.im.kind')}>
              {(p) => (
                <select {...p} value={d.kind} onChange={(e) => set({ kind: e.target.value as RobotKind })}>
                  {ROBOT_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`orgs.robot.${k}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('orgs.notify.url')} required error={fieldError(error, 'body.im.url')}>
              {(p) => <input {...p} type="url" value={d.url} maxLength={2000} placeholder="https://" onChange={(e) => set({ url: e.target.value })} />}
            </Field>
          </div>
          <Field label={t('orgs.notify.secret')} hint={stored.im?.signed ? t('orgs.notify.secretKept') : t('orgs.notify.secretNone')} error={fieldError(error, 'body.im.secret')}>
            {(p) => <input {...p} type="password" autoComplete="off" value={d.secret} maxLength={500} onChange={(e) => set({ secret: e.target.value, dropSecret: false })} />}
          </Field>
          {stored.im?.signed && (
            <label className="check">
              <input type="checkbox" checked={d.dropSecret} disabled={d.secret !== ''} onChange={(e) => set({ dropSecret: e.target.checked })} />
              {t('orgs.notify.dropSecret')}
            </label>
          )}
        </>
      )}
      <fieldset className="stack">
        <legend>{t('orgs.notify.emails')}</legend>
        {d.emails.length === 0 && <div className="muted small">{t('orgs.notify.noEmails')}</div>}
        <ul className="date-chips">
          {d.emails.map((e, i) => (
            <li key={e} className={`date-chip email-chip${fieldError(error, `body.emails.${i}`) ? ' field-invalid' : ''}`}>
              {e}
              <button type="button" className="link-button" aria-label={t('orgs.notify.removeEmail', { email: e })} onClick={() => set({ emails: d.emails.filter((x) => x !== e) })}>
                ×
              </button>
              {fieldError(error, `body.emails.${i}`) && <span className="field-error">{fieldError(error, `body.emails.${i}`)}</span>}
            </li>
          ))}
        </ul>
        <div className="row-gap">
          <label className="visually-hidden" htmlFor="org-notify-email">
            {t('orgs.notify.newEmail')}
          </label>
          <input
            id="org-notify-email"
            type="email"
            value={newEmail}
            maxLength={254}
            placeholder={t('orgs.notify.newEmail')}
            onChange={(e) => setNewEmail(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addEmail();
              }
            }}
          />
          <button type="button" className="btn" onClick={addEmail}>
            {t('orgs.notify.addEmail')}
          </button>
        </div>
      </fieldset>
      <ErrorNotice error={error} inline={['body.im.url', 'body.im.kind', 'body.im.secret', 'body.emails']} />
      <div className="form-actions row-gap">
        <span className="muted small">{t('orgs.notify.updated', { at: updatedAt })}</span>
        <span className="filters-spacer" />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('orgs.notify.save')}
        </button>
      </div>
    </form>
  );
}
