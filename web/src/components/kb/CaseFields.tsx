import { Field } from '../Field.tsx';
import { fieldError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useAreaName } from './ArticleMeta.tsx';
import { PRODUCT_AREAS, type KbLang } from './kbApi.ts';

export interface CaseForm {
  title: string;
  problem: string;
  cause: string;
  solution: string;
  lang: KbLang;
  tags: string;
  productArea: string;
  errorCode: string;
  sdkVersion: string;
  platform: string;
}

export const CASE_INLINE = ['body.title', 'body.problem', 'body.cause', 'body.solution', 'body.lang', 'body.tags', 'body.productArea', 'body.errorCode', 'body.sdkVersion', 'body.platform'];

export function caseFormOf(c: { title: string; problem: string; cause: string; solution: string; lang: KbLang; tags: readonly string[]; productArea: string | null; errorCode: string | null; sdkVersion: string | null; platform: string | null }): CaseForm {
  return { title: c.title, problem: c.problem, cause: c.cause, solution: c.solution, lang: c.lang, tags: c.tags.join(', '), productArea: c.productArea ?? '', errorCode: c.errorCode ?? '', sdkVersion: c.sdkVersion ?? '', platform: c.platform ?? '' };
}

export function casePayload(f: CaseForm) {
  const orNull = (s: string) => s.trim() || null;
  return {
    title: f.title,
    problem: f.problem,
    cause: f.cause,
    solution: f.solution,
    lang: f.lang,
    tags: [...new Set(f.tags.split(/[,，;；\n]/).map((x) => x.trim()).filter((x) => x !== ''))],
    productArea: orNull(f.productArea),
    errorCode: orNull(f.errorCode),
    sdkVersion: orNull(f.sdkVersion),
    platform: orNull(f.platform),
  };
}

/** The problem / cause / solution summary of a case and its facts. */
export function CaseFields({ value, onChange, error }: { value: CaseForm; onChange(f: CaseForm): void; error: unknown }) {
  const { t } = useI18n();
  const areaName = useAreaName();
  const set = <K extends keyof CaseForm>(k: K, v: CaseForm[K]) => onChange({ ...value, [k]: v });
  return (
    <>
      <Field label={t('kb.field.title')} required error={fieldError(error, 'body.title')}>
        {(p) => <input {...p} type="text" maxLength={300} value={value.title} onChange={(e) => set('title', e.target.value)} />}
      </Field>
      <Field label={t('kb.case.problem')} required error={fieldError(error, 'body.problem')}>
        {(p) => <textarea {...p} rows={4} value={value.problem} onChange={(e) => set('problem', e.target.value)} />}
      </Field>
      <Field label={t('kb.case.cause')} error={fieldError(error, 'body.cause')}>
        {(p) => <textarea {...p} rows={3} value={value.cause} onChange={(e) => set('cause', e.target.value)} />}
      </Field>
      <Field label={t('kb.case.solution')} required error={fieldError(error, 'body.solution')}>
        {(p) => <textarea {...p} rows={5} value={value.solution} onChange={(e) => set('solution', e.target.value)} />}
      </Field>
      <div className="grid-3">
        <Field label={t('kb.field.lang')} error={fieldError(error, 'body.lang')}>
          {(p) => (
            <select {...p} value={value.lang} onChange={(e) => set('lang', e.target.value === 'en' ? 'en' : 'zh')}>
              <option value="zh">{t('kb.langName.zh')}</option>
              <option value="en">{t('kb.langName.en')}</option>
            </select>
          )}
        </Field>
        <Field label={t('kb.field.productArea')} error={fieldError(error, 'body.productArea')}>
          {(p) => (
            <select {...p} value={value.productArea} onChange={(e) => set('productArea', e.target.value)}>
              <option value="">{t('kb.field.noArea')}</option>
              {[...PRODUCT_AREAS, ...(value.productArea && !(PRODUCT_AREAS as readonly string[]).includes(value.productArea) ? [value.productArea] : [])].map((a) => (
                <option key={a} value={a}>
                  {areaName(a)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('kb.field.tags')} hint={t('kb.field.listHint')} error={fieldError(error, 'body.tags')}>
          {(p) => <input {...p} type="text" value={value.tags} onChange={(e) => set('tags', e.target.value)} />}
        </Field>
      </div>
      <div className="grid-3">
        <Field label={t('kb.case.errorCode')} error={fieldError(error, 'body.errorCode')}>
          {(p) => <input {...p} type="text" value={value.errorCode} onChange={(e) => set('errorCode', e.target.value)} />}
        </Field>
        <Field label={t('kb.case.sdkVersion')} error={fieldError(error, 'body.sdkVersion')}>
          {(p) => <input {...p} type="text" value={value.sdkVersion} onChange={(e) => set('sdkVersion', e.target.value)} />}
        </Field>
        <Field label={t('kb.case.platform')} error={fieldError(error, 'body.platform')}>
          {(p) => <input {...p} type="text" value={value.platform} onChange={(e) => set('platform', e.target.value)} />}
        </Field>
      </div>
    </>
  );
}
