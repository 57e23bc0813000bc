import { useState } from 'react';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { call } from '../status/statusApi.ts';

interface Created {
  id: string;
  url: string;
}

/**
 * A subscription URL for calendar apps (they send no sign-in): it carries a token scoped to this
 * person's shifts, shown once, revocable here.
 */
export function CalendarSubscribe({ userId }: { userId: string }) {
  const { t, locale } = useI18n();
  const [created, setCreated] = useState<Created | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const create = () =>
    run(async () => {
      const r = await call<Created>('POST', '/api/v1/ical-tokens', { scope: 'person', targetId: userId });
      setCreated({ id: r.id, url: `${r.url}?lang=${locale === 'zh-CN' ? 'zh' : 'en'}` });
    });
  const revoke = (id: string) =>
    run(async () => {
      await call<null>('DELETE', `/api/v1/ical-tokens/${encodeURIComponent(id)}`);
      setCreated(null);
    });
  return (
    <div className="stack cal-subscribe">
      {created ? (
        <>
          <label className="field-label" htmlFor="cal-feed-url">
            {t('calFeed.url')}
          </label>
          <input id="cal-feed-url" type="text" readOnly value={created.url} onFocus={(e) => e.target.select()} />
          <span className="muted small">{t('calFeed.warning')}</span>
          <div>
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => void revoke(created.id)}>
              {t('calFeed.revoke')}
            </button>
          </div>
        </>
      ) : (
        <div>
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void create()}>
            {t('calFeed.create')}
          </button>
        </div>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
