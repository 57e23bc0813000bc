import { useI18n } from '../../i18n/index.tsx';
import { newRowKey, type SimDraft, type SimRow } from '../../simTimeline.ts';
import { SIM_EVENT_TYPES, STATUSES, isStatus } from '../../types.ts';

interface Props {
  value: SimDraft;
  onChange(next: SimDraft): void;
  zone: string;
}

const isEventType = (v: string): v is SimRow['type'] => (SIM_EVENT_TYPES as readonly string[]).includes(v);

/** The sample ticket's history: one line per event (time, what happened), and the "now" it is read at. */
export function SimTimelineEditor({ value, onChange, zone }: Props) {
  const { t } = useI18n();
  const update = (key: number, patch: Partial<SimRow>) => onChange({ ...value, rows: value.rows.map((r) => (r.key === key ? { ...r, ...patch } : r)) });
  const remove = (key: number) => onChange({ ...value, rows: value.rows.filter((r) => r.key !== key) });
  const add = () => {
    const last = value.rows[value.rows.length - 1];
    onChange({ ...value, rows: [...value.rows, { key: newRowKey(), at: last?.at ?? value.now, type: 'agent_reply', status: 'open' }] });
  };
  return (
    <div className="sim-timeline">
      <div className="sim-zone muted">{t('sim.timesIn', { zone })}</div>
      <ol className="sim-rows">
        {value.rows.map((r, i) => (
          <li key={r.key} className="sim-row" data-row={i}>
            <input type="datetime-local" aria-label={t('sim.eventTime', { n: i + 1 })} value={r.at} onChange={(e) => update(r.key, { at: e.target.value })} />
            <span className="sim-what">
            <select aria-label={t('sim.eventType', { n: i + 1 })} value={r.type} onChange={(e) => isEventType(e.target.value) && update(r.key, { type: e.target.value })}>
              {SIM_EVENT_TYPES.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`sim.type.${ty}`)}
                </option>
              ))}
            </select>
            {r.type === 'status' ? (
              <select aria-label={t('sim.eventStatus', { n: i + 1 })} value={r.status} onChange={(e) => isStatus(e.target.value) && update(r.key, { status: e.target.value })}>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`status.${s}`)}
                  </option>
                ))}
              </select>
            ) : null}
            </span>
            <button type="button" className="btn btn-ghost btn-small" aria-label={t('sim.removeEvent', { n: i + 1 })} title={t('sim.removeEvent', { n: i + 1 })} onClick={() => remove(r.key)}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <div className="sim-foot">
        <button type="button" className="btn btn-small" onClick={add}>
          ＋ {t('sim.addEvent')}
        </button>
        <span className="filters-spacer" />
        <label className="inline-label">
          {t('sim.now')}
          <input type="datetime-local" value={value.now} onChange={(e) => onChange({ ...value, now: e.target.value })} />
        </label>
      </div>
    </div>
  );
}
