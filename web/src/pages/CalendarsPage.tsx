import { useState } from 'react';
import { api } from '../api.ts';
import { CalendarEditor } from '../components/calendar/CalendarEditor.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { useLoad } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { forgetSlaPolicies } from '../slaPolicies.ts';

/** Admin: the business calendars the SLA clocks count on. */
export function CalendarsPage() {
  const { t, fmt } = useI18n();
  const list = useLoad(async () => (await api.calendars()).items, []);
  const [chosen, setChosen] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (!list.data) return list.error ? <ErrorNotice error={list.error} /> : <Loading />;
  const calendars = list.data;
  const current = calendars.find((c) => c.id === chosen) ?? calendars.find((c) => c.isDefault) ?? calendars[0];
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('cal.title')}</h1>
        {calendars.length > 1 && (
          <select aria-label={t('cal.choose')} value={current?.id ?? ''} onChange={(e) => setChosen(e.target.value)}>
            {calendars.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
        {current?.isDefault && <span className="badge tier">{t('cal.default')}</span>}
        {current && <span className="muted">{t('cal.updated', { at: fmt.dateTime(current.updatedAt) })}</span>}
      </div>
      {notice && (
        <div className="notice notice-ok" role="status" data-testid="calendar-saved">
          {notice}
        </div>
      )}
      {current ? (
        <CalendarEditor
          key={`${current.id}:${current.updatedAt}`}
          calendar={current}
          onSaved={(n, what) => {
            forgetSlaPolicies();
            // The editor remounts with the stored calendar once the list is back: say "saved" only
            // then, so nothing done in the meantime (a picked .ics file) is lost to the remount.
            setNotice(null);
            void list.reload().then(() => setNotice(t(what === 'import' ? 'cal.imported' : 'cal.saved', { n })));
          }}
        />
      ) : (
        <div className="empty">{t('cal.none')}</div>
      )}
    </div>
  );
}
