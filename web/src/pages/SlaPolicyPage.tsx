import { useMemo, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { PolicyGrid, rowKey } from '../components/sla/PolicyGrid.tsx';
import { SlaSimulator } from '../components/sla/SlaSimulator.tsx';
import { useLoad } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useMe } from '../session.tsx';
import { forgetSlaPolicies } from '../slaPolicies.ts';
import type { CalendarView, SlaPolicyRow } from '../types.ts';
import { PRIORITIES, TIERS } from '../types.ts';
import { zoneOr } from '../zoned.ts';

const TIER_ORDER = [...TIERS].reverse(); // enterprise first

const ordered = (rows: SlaPolicyRow[]) => [...rows].sort((a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier) || PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority));

/** Admin: the SLA policy grid with a simulator beside it; nothing changes until "Save". */
export function SlaPolicyPage() {
  const { t } = useI18n();
  const [saved, setSaved] = useState<number | null>(null);
  const data = useLoad(async () => {
    const [policies, calendars] = await Promise.all([api.slaPolicies(), api.calendars()]);
    return { rows: ordered(policies.items), calendars: calendars.items };
  }, []);
  if (!data.data) return data.error ? <ErrorNotice error={data.error} /> : <Loading />;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('slaAdmin.title')}</h1>
        <span className="muted">{t('slaAdmin.subtitle')}</span>
      </div>
      {saved !== null && (
        <div className="notice notice-ok" role="status" data-testid="policy-saved">
          {t('slaAdmin.saved', { n: saved })}
        </div>
      )}
      <PolicyEditor
        key={JSON.stringify(data.data.rows)}
        initial={data.data.rows}
        calendars={data.data.calendars}
        onEdit={() => setSaved(null)}
        onSaved={(n) => {
          // The editor remounts with the stored rows once they are back: say "saved" only then.
          setSaved(null);
          void data.reload().then(() => setSaved(n));
        }}
      />
    </div>
  );
}

interface EditorProps {
  initial: SlaPolicyRow[];
  calendars: CalendarView[];
  onEdit(): void;
  onSaved(recomputed: number): void;
}

function PolicyEditor({ initial, calendars, onEdit, onSaved }: EditorProps) {
  const { t } = useI18n();
  const { user } = useMe();
  const [rows, setRows] = useState(initial);
  const [selected, setSelected] = useState(() => rowKey(initial.find((r) => r.tier === 'enterprise' && r.priority === 'P1') ?? initial[0] ?? { tier: 'enterprise', priority: 'P1' }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const savedRows = useMemo(() => new Map(initial.map((r) => [rowKey(r), r])), [initial]);
  const changed = rows.filter((r) => JSON.stringify(savedRows.get(rowKey(r))) !== JSON.stringify(r));
  const current = rows.find((r) => rowKey(r) === selected) ?? rows[0];

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.saveSlaPolicies(rows);
      forgetSlaPolicies();
      onSaved(r.recomputed);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div className="policy-layout">
        <div className="policy-main">
          <div className="card table-card">
            <PolicyGrid
              rows={rows}
              saved={savedRows}
              selected={selected}
              onSelect={setSelected}
              onChange={(row) => {
                onEdit();
                setRows((rs) => rs.map((r) => (rowKey(r) === rowKey(row) ? row : r)));
              }}
              error={error}
            />
          </div>
          <ErrorNotice error={error} inline={rows.map((_, i) => `body.items.${i}`)} />
          <div className="save-bar">
            <span className="muted">{changed.length > 0 ? t('slaAdmin.changed', { n: changed.length }) : t('slaAdmin.unchanged')}</span>
            <span className="filters-spacer" />
            <button type="button" className="btn" disabled={busy || changed.length === 0} onClick={() => setRows(initial)}>
              {t('common.discard')}
            </button>
            <button type="button" className="btn btn-primary" disabled={busy || changed.length === 0} onClick={() => void save()}>
              {busy ? t('common.saving') : t('slaAdmin.save')}
            </button>
          </div>
          <p className="muted hint-text">{t('slaAdmin.help')}</p>
        </div>
      {current && <SlaSimulator row={current} calendars={calendars} userZone={zoneOr(user.timezone)} />}
    </div>
  );
}
