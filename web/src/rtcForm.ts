import type { Category, RtcInput } from './types.ts';

/** The RTC facts a customer fills in; all optional, kept as strings while editing. */
export interface RtcDraft {
  appId: string;
  sdkVersion: string;
  os: string;
  osVersion: string;
  device: string;
  net: string;
  region: string;
  channelId: string;
  errorCode: string;
  /** `YYYY-MM-DDTHH:mm` in the customer's own time zone (a datetime-local input). */
  happenedAt: string;
  reproSteps: string;
}
export type RtcField = keyof RtcDraft;

export const emptyRtc = (appId = ''): RtcDraft => ({ appId, sdkVersion: '', os: '', osVersion: '', device: '', net: '', region: '', channelId: '', errorCode: '', happenedAt: '', reproSteps: '' });

/** Per problem category, the facts support needs first (guided collection). */
export const RECOMMENDED: Record<Category, readonly RtcField[]> = {
  audio: ['appId', 'sdkVersion', 'os', 'osVersion', 'device', 'net', 'channelId', 'happenedAt'],
  video: ['appId', 'sdkVersion', 'os', 'device', 'net', 'region', 'channelId', 'happenedAt'],
  join: ['appId', 'sdkVersion', 'os', 'net', 'region', 'channelId', 'errorCode', 'happenedAt'],
  crash: ['appId', 'sdkVersion', 'os', 'osVersion', 'device', 'happenedAt', 'reproSteps'],
  performance: ['appId', 'sdkVersion', 'os', 'osVersion', 'device', 'net', 'region'],
  other: ['appId'],
};

/** The API's `rtc` object: empty fields left out, the local time turned into an instant with its offset. */
export function rtcPayload(d: RtcDraft): RtcInput {
  const out: RtcInput = {};
  const put = <K extends Exclude<RtcField, 'happenedAt'>>(k: K) => {
    const v = d[k].trim();
    if (v) out[k] = v;
  };
  (['appId', 'sdkVersion', 'os', 'osVersion', 'device', 'net', 'region', 'channelId', 'errorCode', 'reproSteps'] as const).forEach(put);
  if (d.happenedAt) {
    const at = new Date(d.happenedAt);
    out.happenedAt = Number.isNaN(at.getTime()) ? d.happenedAt : at.toISOString();
  }
  return out;
}
