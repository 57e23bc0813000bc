import { useRef, useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { IcsPreview } from '../../types.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';

interface Props {
  calendarId: string;
  /** Import merges into the stored calendar: unsaved edits must be saved or discarded first. */
  disabled: boolean;
  onApplied(result: IcsPreview): void;
}

/** An .ics holiday feed (e.g. the government's 节假日 calendar): preview what it adds, then confirm. */
export function IcsImport({ calendarId, disabled, onApplied }: Props) {
  const { t, fmt } = useI18n();
  const file = useRef<HTMLInputElement>(null);
  const [ics, setIcs] = useState<{ name: string; text: string } | null>(null);
  const [preview, setPreview] = useState<IcsPreview | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reset = () => {
    setIcs(null);
    setPreview(null);
    if (file.current) file.current.value = '';
  };

  const pick = async (f: File | undefined) => {
    setError(null);
    setPreview(null);
    if (!f) return setIcs(null);
    const text = await f.text();
    setIcs({ name: f.name, text });
    setBusy(true);
    try {
      setPreview(await api.importCalendar(calendarId, text, false));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!ics) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.importCalendar(calendarId, ics.text, true);
      reset();
      onApplied(r);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const nothing = preview && preview.addedHolidays.length === 0 && preview.addedWorkdays.length === 0;
  return (
    <section className="card panel ics-import" aria-labelledby="ics-title">
      <h2 id="ics-title" className="panel-title panel-title-plain">
        {t('ics.title')}
      </h2>
      <p className="muted hint-text">{t('ics.help')}</p>
      {disabled && <div className="notice notice-warn">{t('ics.saveFirst')}</div>}
      <div className="row-gap">
        <label className={`btn file-button${disabled || busy ? ' is-disabled' : ''}`}>
          {t('ics.choose')}
          <input ref={file} type="file" className="visually-hidden" accept=".ics,text/calendar" aria-label={t('ics.file')} disabled={disabled || busy} onChange={(e) => void pick(e.target.files?.[0])} />
        </label>
        <span className="muted small">{ics ? ics.name : t('ics.noFile')}</span>
      </div>
      <ErrorNotice error={error} />
      {busy && !preview && <div className="muted">{t('common.loading')}</div>}
      {preview && ics && (
        <div className="ics-preview" data-testid="ics-preview">
          <h3>{t('ics.preview', { file: ics.name })}</h3>
          {nothing ? (
            <div className="muted">{t('ics.nothingNew')}</div>
          ) : (
            <>
              <div className="ics-group">
                <strong>{t('ics.holidays', { n: preview.addedHolidays.length })}</strong>
                <ul className="date-chips">
                  {preview.addedHolidays.map((d) => (
                    <li key={d} className="date-chip date-chip-holiday">
                      {fmt.calendarDate(d)}
                    </li>
                  ))}
                </ul>
              </div>
              <div className="ics-group">
                <strong>{t('ics.workdays', { n: preview.addedWorkdays.length })}</strong>
                <ul className="date-chips">
                  {preview.addedWorkdays.map((w) => (
                    <li key={w.date} className="date-chip date-chip-work" title={w.summary}>
                      {fmt.calendarDate(w.date)} · {w.summary}
                    </li>
                  ))}
                </ul>
              </div>
            </>
          )}
          <div className="form-actions row-gap">
            <button type="button" className="btn" disabled={busy} onClick={reset}>
              {t('common.cancel')}
            </button>
            <button type="button" className="btn btn-primary" disabled={busy || !!nothing} onClick={() => void apply()}>
              {t('ics.apply')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
