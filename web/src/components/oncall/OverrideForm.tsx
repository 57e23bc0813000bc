import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { fieldError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { serverNow } from '../../serverTime.ts';
import type { Schedule, User } from '../../types.ts';
import { fromWallInput, toWallInput } from '../../zoned.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Field } from '../Field.tsx';

interface Props {
  schedules: Schedule[];
  people: User[];
  /** The zone the admin types times in (their own). */
  zone: string;
  onCreated(): void;
}

const HOUR = 3_600_000;

/** Admin: someone else takes a stretch of a schedule (swap, sick day, event guard). */
export function OverrideForm({ schedules, people, zone, onCreated }: Props) {
  const { t } = useI18n();
  const [scheduleId, setScheduleId] = useState(schedules[0]?.id ?? '');
  const [user, setUser] = useState('');
  const [start, setStart] = useState(() => toWallInput(Math.ceil(serverNow() / HOUR) * HOUR, zone));
  const [end, setEnd] = useState(() => toWallInput(Math.ceil(serverNow() / HOUR) * HOUR + 4 * HOUR, zone));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  const iso = (wall: string) => {
    const ms = fromWallInput(wall, zone);
    return ms === null ? wall : new Date(ms).toISOString();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await api.addOverride(scheduleId, { user, start: iso(start), end: iso(end) });
      setDone(true);
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card panel stack override-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="override-title">
      <h2 id="override-title" className="panel-title">
        {t('oncall.overrideTitle')}
      </h2>
      <Field label={t('oncall.schedule')}>
        {(p) => (
          <select {...p} value={scheduleId} onChange={(e) => setScheduleId(e.target.value)}>
            {schedules.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('oncall.who')} required error={fieldError(error, 'body.user')}>
        {(p) => (
          <select {...p} value={user} onChange={(e) => setUser(e.target.value)}>
            <option value="">{t('newTicket.choose')}</option>
            {people.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="grid-2">
        <Field label={t('oncall.start')} error={fieldError(error, 'body.start')}>
          {(p) => <input {...p} type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />}
        </Field>
        <Field label={t('oncall.end')} error={fieldError(error, 'body.end')}>
          {(p) => <input {...p} type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />}
        </Field>
      </div>
      <div className="muted small">{t('sim.timesIn', { zone })}</div>
      <ErrorNotice error={error} inline={['body.user', 'body.start', 'body.end']} />
      {done && (
        <div className="notice notice-ok" role="status">
          {t('oncall.overrideDone')}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !scheduleId || !user}>
          {t('oncall.overrideSubmit')}
        </button>
      </div>
    </form>
  );
}
