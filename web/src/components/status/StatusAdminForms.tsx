import { useState, type FormEvent, type ReactNode } from 'react';
import { fieldError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Field } from '../Field.tsx';
import { componentStatusKey, impactKey, incidentStatusKey, usePick } from './StatusParts.tsx';
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, statusApi, type Bilingual, type ComponentStatus, type Impact, type IncidentStatus, type StatusComponent, type StatusIncident } from './statusApi.ts';

/** Runs a submit with busy/error state; `after` on success. */
function useSubmit(action: () => Promise<unknown>, after: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
      after();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

/** Two inputs (English and Chinese) for one text; `path` is the field's path in the API body. */
function BilingualField({ label, value, onChange, error, path, multiline }: { label: string; value: Bilingual; onChange(v: Bilingual): void; error: unknown; path: string; multiline?: boolean }) {
  const { t } = useI18n();
  const input = (lang: 'en' | 'zh'): ReactNode => (
    <Field label={`${label} (${t(lang === 'en' ? 'statusAdmin.inEnglish' : 'statusAdmin.inChinese')})`} required error={fieldError(error, `${path}.${lang}`)}>
      {(p) => (multiline ? <textarea {...p} rows={3} value={value[lang]} onChange={(e) => onChange({ ...value, [lang]: e.target.value })} /> : <input {...p} type="text" value={value[lang]} onChange={(e) => onChange({ ...value, [lang]: e.target.value })} />)}
    </Field>
  );
  return (
    <div className="grid-2">
      {input('en')}
      {input('zh')}
    </div>
  );
}

const empty = (): Bilingual => ({ en: '', zh: '' });

/** The components an incident or maintenance window affects (checkboxes). */
function ComponentChecks({ components, ids, onChange }: { components: StatusComponent[]; ids: string[]; onChange(ids: string[]): void }) {
  const { t } = useI18n();
  const pick = usePick();
  if (components.length === 0) return null;
  return (
    <fieldset className="sa-checks">
      <legend>{t('statusAdmin.affected')}</legend>
      {components.map((c) => (
        <label key={c.id} className="check">
          <input type="checkbox" checked={ids.includes(c.id)} onChange={(e) => onChange(e.target.checked ? [...ids, c.id] : ids.filter((x) => x !== c.id))} />
          {pick(c.name)}
        </label>
      ))}
    </fieldset>
  );
}

function IncidentStatusField({ value, onChange }: { value: IncidentStatus; onChange(v: IncidentStatus): void }) {
  const { t } = useI18n();
  return (
    <Field label={t('statusAdmin.status')}>
      {(p) => (
        <select {...p} value={value} onChange={(e) => onChange(e.target.value as IncidentStatus)}>
          {INCIDENT_STATUSES.map((x) => (
            <option key={x} value={x}>
              {t(incidentStatusKey(x))}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function ComponentAdmin({ components, admin, onChange }: { components: StatusComponent[]; admin: boolean; onChange(): void }) {
  const { t } = useI18n();
  const pick = usePick();
  const [kind, setKind] = useState<'region' | 'service'>('service');
  const [name, setName] = useState(empty());
  const create = useSubmit(() => statusApi.createComponent({ kind, name }), () => {
    setName(empty());
    onChange();
  });
  const [statusError, setStatusError] = useState<unknown>(null);
  const setStatus = async (id: string, status: ComponentStatus) => {
    setStatusError(null);
    try {
      await statusApi.setComponentStatus(id, status);
      onChange();
    } catch (err) {
      setStatusError(err);
    }
  };
  return (
    <section className="card panel stack" aria-labelledby="sa-components">
      <h2 id="sa-components" className="panel-title">
        {t('statusAdmin.components')}
      </h2>
      {components.length === 0 && <div className="empty">{t('statusPage.noComponents')}</div>}
      <ul className="sp-components">
        {components.map((c) => (
          <li key={c.id}>
            <span className="sp-component-name">
              {pick(c.name)} <span className="muted small">{t(c.kind === 'region' ? 'statusAdmin.kind.region' : 'statusAdmin.kind.service')}</span>
            </span>
            <select aria-label={t('statusAdmin.componentStatus', { name: pick(c.name) })} value={c.status} onChange={(e) => void setStatus(c.id, e.target.value as ComponentStatus)}>
              {COMPONENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(componentStatusKey(s))}
                </option>
              ))}
            </select>
          </li>
        ))}
      </ul>
      <ErrorNotice error={statusError} />
      {admin && (
        <form className="stack" onSubmit={(e) => void create.submit(e)} noValidate>
          <h3>{t('statusAdmin.newComponent')}</h3>
          <Field label={t('statusAdmin.kind')}>
            {(p) => (
              <select {...p} value={kind} onChange={(e) => setKind(e.target.value === 'region' ? 'region' : 'service')}>
                <option value="service">{t('statusAdmin.kind.service')}</option>
                <option value="region">{t('statusAdmin.kind.region')}</option>
              </select>
            )}
          </Field>
          <BilingualField label={t('statusAdmin.name')} value={name} onChange={setName} error={create.error} path="body.name" />
          <ErrorNotice error={create.error} inline={['body.name']} />
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={create.busy}>
              {t('statusAdmin.add')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function NewIncidentForm({ components, onCreated }: { components: StatusComponent[]; onCreated(): void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(empty());
  const [body, setBody] = useState(empty());
  const [impact, setImpact] = useState<Impact>('minor');
  const [status, setStatus] = useState<IncidentStatus>('investigating');
  const [ids, setIds] = useState<string[]>([]);
  const s = useSubmit(() => statusApi.createIncident({ title, body, impact, status, componentIds: ids }), () => {
    setTitle(empty());
    setBody(empty());
    setIds([]);
    onCreated();
  });
  return (
    <form className="card panel stack" onSubmit={(e) => void s.submit(e)} noValidate aria-labelledby="sa-new-incident">
      <h2 id="sa-new-incident" className="panel-title">
        {t('statusAdmin.newIncident')}
      </h2>
      <BilingualField label={t('statusAdmin.incidentTitle')} value={title} onChange={setTitle} error={s.error} path="body.title" />
      <div className="grid-2">
        <IncidentStatusField value={status} onChange={setStatus} />
        <Field label={t('statusAdmin.impact')}>
          {(p) => (
            <select {...p} value={impact} onChange={(e) => setImpact(e.target.value as Impact)}>
              {IMPACTS.map((x) => (
                <option key={x} value={x}>
                  {t(impactKey(x))}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ComponentChecks components={components} ids={ids} onChange={setIds} />
      <BilingualField label={t('statusAdmin.message')} value={body} onChange={setBody} error={s.error} path="body.body" multiline />
      <ErrorNotice error={s.error} inline={['body.title', 'body.body']} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={s.busy}>
          {t('statusAdmin.publish')}
        </button>
      </div>
    </form>
  );
}

export function UpdateForm({ incident, onPosted }: { incident: StatusIncident; onPosted(): void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<IncidentStatus>(incident.status === 'investigating' ? 'identified' : incident.status);
  const [body, setBody] = useState(empty());
  const s = useSubmit(() => statusApi.addUpdate(incident.id, { status, body }), () => {
    setBody(empty());
    onPosted();
  });
  return (
    <form className="stack sa-update" onSubmit={(e) => void s.submit(e)} noValidate>
      <IncidentStatusField value={status} onChange={setStatus} />
      <BilingualField label={t('statusAdmin.message')} value={body} onChange={setBody} error={s.error} path="body.body" multiline />
      <ErrorNotice error={s.error} inline={['body.body']} />
      <div className="form-actions">
        <button type="submit" className="btn" disabled={s.busy}>
          {t('statusAdmin.postUpdate')}
        </button>
      </div>
    </form>
  );
}

/** A `datetime-local` value (the browser's zone) as an ISO instant. */
const localToIso = (v: string): string => {
  const d = new Date(v);
  return Number.isFinite(d.getTime()) ? d.toISOString() : v;
};

export function NewMaintenanceForm({ components, onCreated }: { components: StatusComponent[]; onCreated(): void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(empty());
  const [body, setBody] = useState(empty());
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [ids, setIds] = useState<string[]>([]);
  const s = useSubmit(() => statusApi.createMaintenance({ title, body, componentIds: ids, startsAt: localToIso(startsAt), endsAt: localToIso(endsAt) }), () => {
    setTitle(empty());
    setBody(empty());
    setIds([]);
    onCreated();
  });
  return (
    <form className="card panel stack" onSubmit={(e) => void s.submit(e)} noValidate aria-labelledby="sa-new-maint">
      <h2 id="sa-new-maint" className="panel-title">
        {t('statusAdmin.newMaintenance')}
      </h2>
      <BilingualField label={t('statusAdmin.incidentTitle')} value={title} onChange={setTitle} error={s.error} path="body.title" />
      <div className="grid-2">
        <Field label={t('statusAdmin.startsAt')} required error={fieldError(s.error, 'body.startsAt')}>
          {(p) => <input {...p} type="datetime-local" value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />}
        </Field>
        <Field label={t('statusAdmin.endsAt')} required error={fieldError(s.error, 'body.endsAt')}>
          {(p) => <input {...p} type="datetime-local" value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />}
        </Field>
      </div>
      <ComponentChecks components={components} ids={ids} onChange={setIds} />
      <BilingualField label={t('statusAdmin.message')} value={body} onChange={setBody} error={s.error} path="body.body" multiline />
      <ErrorNotice error={s.error} inline={['body.title', 'body.body', 'body.startsAt', 'body.endsAt']} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={s.busy}>
          {t('statusAdmin.schedule')}
        </button>
      </div>
    </form>
  );
}
