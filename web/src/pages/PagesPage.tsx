import { useMemo, useState } from 'react';
import { api } from '../api.ts';
import { ChipGroup } from '../components/ChipGroup.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { PageRow } from '../components/oncall/PageRow.tsx';
import { useEvery, useLoad } from '../hooks.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { useStaff } from '../oncallData.ts';
import { useNow } from '../serverTime.ts';
import type { PageStatus } from '../types.ts';

const VIEWS: { key: string; label: MessageKey; status?: PageStatus[] }[] = [
  { key: 'open', label: 'pages.view.open', status: ['triggered', 'acknowledged'] },
  { key: 'triggered', label: 'pageStatus.triggered', status: ['triggered'] },
  { key: 'acknowledged', label: 'pageStatus.acknowledged', status: ['acknowledged'] },
  { key: 'resolved', label: 'pageStatus.resolved', status: ['resolved'] },
  { key: 'all', label: 'pages.view.all' },
];

/** Pages (SLA breaches, P0 tickets, incidents, manual): acknowledge to stop the escalation, resolve when done. */
export function PagesPage() {
  const { t } = useI18n();
  const [view, setView] = useState('open');
  const current = VIEWS.find((v) => v.key === view) ?? VIEWS[0];
  const list = useLoad(async () => (await api.pages(current?.status)).items, [view]);
  const staff = useStaff();
  const names = useMemo(() => new Map((staff.data ?? []).map((u) => [u.id, u.name])), [staff.data]);
  const now = useNow(30_000);
  useEvery(30_000, () => void list.reload());

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('pages.title')}</h1>
        <ChipGroup label={t('queue.status')} options={VIEWS.map((v) => ({ key: v.key, label: t(v.label) }))} value={view} onChange={setView} />
        <span className="filters-spacer" />
        <button type="button" className="btn btn-ghost" onClick={() => void list.reload()}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorNotice error={list.error} />
      {!list.data ? (
        !list.error && <Loading />
      ) : list.data.length === 0 ? (
        <div className="empty">{t('pages.none')}</div>
      ) : (
        <div className={`card table-card${list.loading ? ' is-stale' : ''}`}>
          <table className="table pages-table">
            <thead>
              <tr>
                <th>{t('pages.col.severity')}</th>
                <th>{t('pages.col.page')}</th>
                <th>{t('pages.col.status')}</th>
                <th>{t('pages.col.started')}</th>
                <th>{t('pages.col.progress')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.data.map((p) => (
                <PageRow key={p.id} page={p} names={names} now={now} onChanged={() => void list.reload()} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
