import type { ReactNode } from 'react';
import { fieldError } from '../errors.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { RECOMMENDED, type RtcDraft, type RtcField } from '../rtcForm.ts';
import type { Category } from '../types.ts';
import { NETWORKS, PLATFORMS } from '../types.ts';
import { Field, type ControlProps } from './Field.tsx';

interface Props {
  value: RtcDraft;
  onChange(next: RtcDraft): void;
  category: Category;
  appIds: string[];
  error: unknown;
}

/** The guided RTC section of a new ticket: the chosen category marks the facts support needs. */
export function RtcFieldsForm({ value, onChange, category, appIds, error }: Props) {
  const { t } = useI18n();
  const wanted = RECOMMENDED[category];
  const set = (k: RtcField) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });

  const field = (k: RtcField, label: MessageKey, control: (p: ControlProps) => ReactNode, className?: string) => (
    <Field key={k} label={t(label)} recommended={wanted.includes(k) ? t('newTicket.recommended') : undefined} error={fieldError(error, `body.rtc.${k}`)} className={`${wanted.includes(k) ? 'field-wanted' : ''} ${className ?? ''}`}>
      {control}
    </Field>
  );
  const text = (k: RtcField, placeholder?: string) => (p: ControlProps) => <input {...p} type="text" value={value[k]} placeholder={placeholder} onChange={set(k)} />;

  return (
    <fieldset className="rtc-fields">
      <legend>{t('newTicket.rtcSection')}</legend>
      <p className="category-hint">
        <span className="field-recommended" aria-hidden="true" /> {t(`categoryHint.${category}`)}
      </p>
      <div className="grid-3">
        {field('appId', 'rtc.appId', (p) =>
          appIds.length > 0 ? (
            <select {...p} value={value.appId} onChange={set('appId')}>
              <option value="">{t('newTicket.chooseApp')}</option>
              {appIds.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          ) : (
            <input {...p} type="text" value={value.appId} onChange={set('appId')} />
          ),
        )}
        {field('sdkVersion', 'rtc.sdkVersion', text('sdkVersion', t('newTicket.sdkPlaceholder')))}
        {field('os', 'rtc.os', (p) => (
          <select {...p} value={value.os} onChange={set('os')}>
            <option value="">{t('newTicket.choose')}</option>
            {PLATFORMS.map((o) => (
              <option key={o} value={o}>
                {t(`platform.${o}`)}
              </option>
            ))}
          </select>
        ))}
        {field('osVersion', 'rtc.osVersion', text('osVersion'))}
        {field('device', 'rtc.device', text('device'))}
        {field('net', 'rtc.net', (p) => (
          <select {...p} value={value.net} onChange={set('net')}>
            <option value="">{t('newTicket.choose')}</option>
            {NETWORKS.map((n) => (
              <option key={n} value={n}>
                {t(`network.${n}`)}
              </option>
            ))}
          </select>
        ))}
        {field('region', 'rtc.region', text('region', t('newTicket.regionPlaceholder')))}
        {field('channelId', 'rtc.channelId', text('channelId'))}
        {field('errorCode', 'rtc.errorCode', text('errorCode'))}
        {field('happenedAt', 'rtc.happenedAt', (p) => <input {...p} type="datetime-local" value={value.happenedAt} onChange={set('happenedAt')} />)}
      </div>
      {field('reproSteps', 'rtc.reproSteps', (p) => <textarea {...p} rows={3} value={value.reproSteps} onChange={set('reproSteps')} />, 'field-wide')}
    </fieldset>
  );
}
