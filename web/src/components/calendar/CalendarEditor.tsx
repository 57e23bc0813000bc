import { useState } from 'react';
import { api } from '../../api.ts';
import { fieldError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { CalendarSpec, CalendarView, Period, Weekday } from '../../types.ts';
import { WEEKDAYS } from '../../types.ts';
import { isValidZone } from '../../zoned.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Field } from '../Field.tsx';
import { calendarSpecOf } from './calendarSpec.ts';
import { HolidayList } from './HolidayList.tsx';
import { IcsImport } from './IcsImport.tsx';
import { WeekEditor } from './WeekEditor.tsx';
import { WorkdayList } from './WorkdayList.tsx';

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Jakarta', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Dubai', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'America/Sao_Paulo', 'UTC'];

interface Props {
  calendar: CalendarView;
  onSaved(recomputed: number, what: 'save' | 'import'): void;
}

type Draft = { name: string; spec: CalendarSpec & { week: Record<Weekday, Period[]> } };

const draftOf = (c: CalendarView): Draft => {
  const spec = calendarSpecOf(c.spec);
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, spec.week[d] ?? []])) as Record<Weekday, Period[]>;
  return { name: c.name, spec: { ...spec, week } };
};

/** A business calendar: zone, the regular week with lunch breaks, holidays, make-up workdays; .ics import. */
export function CalendarEditor({ calendar, onSaved }: Props) {
  const { t } = useI18n();
  const [initial] = useState(() => draftOf(calendar));
  const [draft, setDraft] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const zoneOk = isValidZone(draft.spec.timezone);
  const setSpec = (patch: Partial<Draft['spec']>) => setDraft((d) => ({ ...d, spec: { ...d.spec, ...patch } }));
  const typical = WEEKDAYS.map((d) => draft.spec.week[d]).find((ps) => ps.length > 0) ?? [['09:00', '18:00'] as Period];

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.saveCalendar(calendar.id, draft.name.trim(), draft.spec);
      onSaved(r.recomputed, 'save');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div className="calendar-layout">
      <form
        className="card form-card stack calendar-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <div className="grid-2">
          <Field label={t('cal.name')} required error={fieldError(error, 'body.name')}>
            {(p) => <input {...p} type="text" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
          </Field>
          <Field label={t('cal.timezone')} hint={t('cal.timezoneHint')} error={zoneOk ? fieldError(error, 'body.spec.timezone') : t('cal.badZone')}>
            {(p) => (
              <>
                <input {...p} type="text" list="cal-zones" value={draft.spec.timezone} onChange={(e) => setSpec({ timezone: e.target.value.trim() })} />
                <datalist id="cal-zones">
                  {ZONES.map((z) => (
                    <option key={z} value={z} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        </div>
        <WeekEditor value={draft.spec.week} onChange={(week) => setSpec({ week })} />
        <div className="grid-2 cal-lists">
          <HolidayList value={draft.spec.holidays ?? []} onChange={(holidays) => setSpec({ holidays })} />
          <WorkdayList value={draft.spec.workdays ?? []} onChange={(workdays) => setSpec({ workdays })} defaultHours={typical} />
        </div>
        <ErrorNotice error={error} inline={['body.name']} />
        <div className="save-bar">
          <span className="muted">{dirty ? t('cal.unsaved') : t('slaAdmin.unchanged')}</span>
          <span className="filters-spacer" />
          <button type="button" className="btn" disabled={busy || !dirty} onClick={() => setDraft(initial)}>
            {t('common.discard')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !dirty || !zoneOk}>
            {busy ? t('common.saving') : t('cal.save')}
          </button>
        </div>
      </form>
      <IcsImport calendarId={calendar.id} disabled={dirty} onApplied={(r) => onSaved(r.recomputed, 'import')} />
    </div>
  );
}
