import { useI18n } from '../i18n/index.tsx';
import { NETWORKS, PLATFORMS } from '../types.ts';

type RtcKey = 'appId' | 'sdkVersion' | 'os' | 'osVersion' | 'device' | 'net' | 'region' | 'channelId' | 'userIds' | 'errorCode' | 'happenedAt';
const ORDER: RtcKey[] = ['appId', 'sdkVersion', 'os', 'osVersion', 'device', 'net', 'region', 'channelId', 'userIds', 'errorCode', 'happenedAt'];

const text = (v: unknown): string | null => {
  if (v === undefined || v === null || v === '') return null;
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
};

/** The RTC facts support needs, as a compact definition list; values are plain text. */
export function RtcFacts({ rtc }: { rtc: Record<string, unknown> }) {
  const { t, fmt } = useI18n();
  const show = (k: RtcKey, v: string): string => {
    if (k === 'happenedAt') return fmt.dateTimeZone(v);
    if (k === 'os' && (PLATFORMS as readonly string[]).includes(v)) return t(`platform.${v as (typeof PLATFORMS)[number]}`);
    if (k === 'net' && (NETWORKS as readonly string[]).includes(v)) return t(`network.${v as (typeof NETWORKS)[number]}`);
    return v;
  };
  const rows = ORDER.flatMap((k) => {
    const v = text(rtc[k]);
    return v === null ? [] : [{ k, v: show(k, v) }];
  });
  const repro = text(rtc.reproSteps);
  return (
    <section className="card panel" aria-labelledby="rtc-title">
      <h2 id="rtc-title" className="panel-title">
        {t('rtc.title')}
      </h2>
      {rows.length === 0 && !repro ? (
        <p className="muted">{t('rtc.empty')}</p>
      ) : (
        <dl className="facts">
          {rows.map(({ k, v }) => (
            <div key={k} className="fact">
              <dt>{t(`rtc.${k}`)}</dt>
              <dd className={k === 'happenedAt' || k === 'os' || k === 'net' ? '' : 'mono'}>{v}</dd>
            </div>
          ))}
          {repro && (
            <div className="fact fact-wide">
              <dt>{t('rtc.reproSteps')}</dt>
              <dd className="prewrap">{repro}</dd>
            </div>
          )}
        </dl>
      )}
    </section>
  );
}
