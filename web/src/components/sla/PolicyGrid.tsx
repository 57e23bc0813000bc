import { fieldError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { SlaPolicyRow } from '../../types.ts';
import { PriorityBadge, TierBadge } from '../Badges.tsx';
import { MinutesInput, PercentInput } from './MinutesInput.tsx';

export const rowKey = (r: Pick<SlaPolicyRow, 'tier' | 'priority'>): string => `${r.tier}:${r.priority}`;

const TARGETS = ['firstResponse', 'nextReply', 'periodicUpdate', 'resolution'] as const;
const TARGET_LABEL = { firstResponse: 'sla.clock.firstResponse', nextReply: 'sla.clock.nextReply', periodicUpdate: 'sla.clock.periodicUpdate', resolution: 'sla.clock.resolution' } as const;

interface Props {
  rows: SlaPolicyRow[];
  /** The stored rows, to mark what the admin changed. */
  saved: ReadonlyMap<string, SlaPolicyRow>;
  selected: string;
  onSelect(key: string): void;
  onChange(row: SlaPolicyRow): void;
  /** The last save's error: field issues come back as `body.items.N.field`. */
  error: unknown;
}

const same = (a: SlaPolicyRow | undefined, b: SlaPolicyRow) => !!a && TARGETS.every((k) => a[k] === b[k]) && a.calendar === b.calendar && Math.abs(a.warnShare - b.warnShare) < 1e-9;

/** Tier × priority: the calendar each counts on, four targets in minutes and the warning share. */
export function PolicyGrid({ rows, saved, selected, onSelect, onChange, error }: Props) {
  const { t } = useI18n();
  return (
    <table className="table policy-grid">
      <thead>
        <tr>
          <th>{t('slaAdmin.priority')}</th>
          <th>{t('slaAdmin.calendar')}</th>
          {TARGETS.map((k) => (
            <th key={k}>
              {t(TARGET_LABEL[k])}
              <span className="th-unit">{t('slaAdmin.minutes')}</span>
            </th>
          ))}
          <th>{t('slaAdmin.warnShare')}</th>
          <th>{t('slaAdmin.simulate')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.flatMap((r, i) => {
          const key = rowKey(r);
          const cell = `${t(`tier.${r.tier}`)} ${r.priority}`;
          const err = (f: string) => fieldError(error, `body.items.${i}.${f}`);
          const first = i === 0 || rows[i - 1]?.tier !== r.tier;
          const head = (
            <tr key={`tier-${r.tier}`} className="tier-head">
              <th colSpan={8} scope="rowgroup">
                <TierBadge tier={r.tier} /> <span className="muted">{t('slaAdmin.tier')}</span>
              </th>
            </tr>
          );
          const row = (
            <tr key={key} className={`${key === selected ? 'is-selected' : ''}${same(saved.get(key), r) ? '' : ' is-dirty'}`} data-cell={key}>
              <td>
                <PriorityBadge priority={r.priority} />
              </td>
              <td>
                <select aria-label={`${cell} ${t('slaAdmin.calendar')}`} value={r.calendar} onChange={(e) => onChange({ ...r, calendar: e.target.value === '24x7' ? '24x7' : 'business' })}>
                  <option value="24x7">{t('slaAdmin.cal.24x7')}</option>
                  <option value="business">{t('slaAdmin.cal.business')}</option>
                </select>
              </td>
              {TARGETS.map((k) => (
                <td key={k}>
                  <MinutesInput label={`${cell} ${t(TARGET_LABEL[k])}`} value={r[k]} error={err(k)} onChange={(v) => onChange({ ...r, [k]: v })} />
                </td>
              ))}
              <td>
                <PercentInput label={`${cell} ${t('slaAdmin.warnShare')}`} value={r.warnShare} error={err('warnShare')} onChange={(warnShare) => onChange({ ...r, warnShare })} />
              </td>
              <td>
                <label className="radio">
                  <input type="radio" name="sim-cell" checked={key === selected} onChange={() => onSelect(key)} aria-label={t('slaAdmin.simulateCell', { cell })} />
                </label>
              </td>
            </tr>
          );
          return first ? [head, row] : [row];
        })}
      </tbody>
    </table>
  );
}
