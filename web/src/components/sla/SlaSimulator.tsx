import { useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { serverNow } from '../../serverTime.ts';
import { listClocks } from '../../sla.ts';
import { rowTargets, sampleTimeline, simulateRequest, type SimDraft } from '../../simTimeline.ts';
import type { CalendarView, SlaClocks, SlaPolicyRow } from '../../types.ts';
import { fromWallInput } from '../../zoned.ts';
import { PriorityBadge, TierBadge } from '../Badges.tsx';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { calendarSpecOf } from '../calendar/calendarSpec.ts';
import { SimTimelineEditor } from './SimTimelineEditor.tsx';
import { SlaClockRow } from './SlaClockRow.tsx';

interface Props {
  /** The policy cell to simulate, with the admin's unsaved edits. */
  row: SlaPolicyRow;
  calendars: CalendarView[];
  /** The zone of a 24×7 simulation's times (the admin's own). */
  userZone: string;
}

interface Result {
  clocks: SlaClocks;
  now: number;
  zone: string;
  /** What was simulated, to tell when the inputs have changed since. */
  input: string;
}

/** Runs a sample timeline through `POST /api/v1/sla/simulate` with the edited (unsaved) targets. */
export function SlaSimulator({ row, calendars, userZone }: Props) {
  const { t, fmt } = useI18n();
  const [calendarId, setCalendarId] = useState(() => (calendars.find((c) => c.isDefault) ?? calendars[0])?.id ?? '');
  const calendar = calendars.find((c) => c.id === calendarId);
  const spec = useMemo(() => (calendar ? calendarSpecOf(calendar.spec) : null), [calendar]);
  const business = row.calendar === 'business';
  const zone = business && spec ? spec.timezone : userZone;
  const [draft, setDraft] = useState<SimDraft>(() => sampleTimeline(serverNow(), zone));
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const request = useMemo(() => simulateRequest(draft, zone, business && spec ? spec : '24x7', rowTargets(row)), [draft, zone, business, spec, row]);
  const input = JSON.stringify(request);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const clocks = await api.simulate(request);
      setResult({ clocks, now: fromWallInput(draft.now, zone) ?? serverNow(), zone, input });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const clocks = result ? listClocks(result.clocks) : [];
  return (
    <section className="card panel simulator" aria-labelledby="sim-title">
      <h2 id="sim-title" className="panel-title">
        {t('sim.title')}
      </h2>
      <div className="sim-cell">
        <TierBadge tier={row.tier} /> <PriorityBadge priority={row.priority} />
        <span className="muted">{business ? t('slaAdmin.cal.business') : t('slaAdmin.cal.24x7')}</span>
        {business && calendars.length > 1 && (
          <select aria-label={t('sim.calendar')} value={calendarId} onChange={(e) => setCalendarId(e.target.value)}>
            {calendars.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
        {business && calendars.length <= 1 && calendar && <span className="muted">{calendar.name}</span>}
      </div>
      <p className="muted sim-help">{t('sim.help')}</p>
      <SimTimelineEditor value={draft} onChange={setDraft} zone={zone} />
      <div className="sim-actions">
        <button type="button" className="btn btn-small btn-ghost" onClick={() => setDraft(sampleTimeline(serverNow(), zone))}>
          {t('sim.reset')}
        </button>
        <span className="filters-spacer" />
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run()}>
          {busy ? t('sim.running') : t('sim.run')}
        </button>
      </div>
      <ErrorNotice error={error} />
      {result && (
        <div className="sim-result" aria-live="polite" data-testid="sim-result">
          {result.input !== input && <div className="notice notice-warn">{t('sim.stale')}</div>}
          <h3 className="sim-result-title">{t('sim.result', { at: `${fmt.dateTime(result.now, result.zone)} ${fmt.zoneName(result.now, result.zone)}` })}</h3>
          {clocks.length === 0 ? (
            <div className="muted">{t('sla.none')}</div>
          ) : (
            <ul className="sla-clocks">
              {clocks.map((n) => (
                <SlaClockRow key={`${n.kind}-${n.cycle ?? 0}`} named={n} observedAt={null} fixedNow={result.now} warnShare={row.warnShare} zone={result.zone} />
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
