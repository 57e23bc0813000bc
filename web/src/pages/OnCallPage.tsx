import { useMemo } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { GapWarnings } from '../components/oncall/GapWarnings.tsx';
import { MyShifts } from '../components/oncall/MyShifts.tsx';
import { NowNextCard } from '../components/oncall/NowNextCard.tsx';
import { OverrideForm } from '../components/oncall/OverrideForm.tsx';
import { ShiftTimeline } from '../components/oncall/ShiftTimeline.tsx';
import { useEvery } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { BOARD_DAYS, useOnCallBoard, useStaff } from '../oncallData.ts';
import { useMe } from '../session.tsx';
import { zoneOr } from '../zoned.ts';

/** Who is on call now and next, per schedule and region; the coming week; my shifts; overrides. */
export function OnCallPage() {
  const { t } = useI18n();
  const { user } = useMe();
  const zone = zoneOr(user.timezone);
  const board = useOnCallBoard(zone);
  const staff = useStaff();
  useEvery(5 * 60_000, () => void board.reload());
  const names = useMemo(() => new Map((staff.data ?? []).map((u) => [u.id, u.name])), [staff.data]);

  const b = board.data;
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('oncall.title')}</h1>
        <span className="muted">{t('sim.timesIn', { zone })}</span>
        <span className="filters-spacer" />
        <button type="button" className="btn btn-ghost" onClick={() => void board.reload()}>
          {t('common.refresh')}
        </button>
      </div>
      <ErrorNotice error={board.error ?? staff.error} />
      {!b ? (
        !board.error && <Loading />
      ) : b.schedules.length === 0 ? (
        <div className="empty">{t('oncall.noSchedules')}</div>
      ) : (
        <div className="stack">
          <GapWarnings boards={b.schedules} zone={zone} days={BOARD_DAYS} />
          <div className="oncall-cards">
            {b.schedules.map((s) => (
              <NowNextCard key={s.schedule.id} board={s} names={names} zone={zone} />
            ))}
          </div>
          <section className="card panel" aria-labelledby="week-title">
            <h2 id="week-title" className="panel-title">
              {t('oncall.week', { days: BOARD_DAYS })}
            </h2>
            <ShiftTimeline board={b} names={names} zone={zone} me={user.id} />
          </section>
          <div className="grid-2 oncall-bottom">
            <MyShifts board={b} me={user.id} zone={zone} />
            {user.role === 'admin' ? (
              <OverrideForm schedules={b.schedules.map((s) => s.schedule)} people={staff.data ?? []} zone={zone} onCreated={() => void board.reload()} />
            ) : (
              <div className="card panel muted">{t('oncall.overrideAdminOnly')}</div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
