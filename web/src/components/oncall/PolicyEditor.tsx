import { useState, type FormEvent } from 'react';
import { api } from '../../api.ts';
import { fieldError } from '../../errors.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { EscalationPolicy, NewEscalationPolicy, TargetType } from '../../types.ts';
import { call } from '../status/statusApi.ts';
import { TARGET_TYPES } from '../../types.ts';
import { ErrorNotice } from '../ErrorNotice.tsx';
import { Field } from '../Field.tsx';

export interface Choice {
  id: string;
  name: string;
}

export type PolicyDraft = { name: string; repeat: number; default: boolean; steps: { targets: { type: TargetType; id: string }[]; ackTimeoutMinutes: number }[] };

export const emptyPolicy = (): PolicyDraft => ({ name: '', repeat: 0, default: false, steps: [{ targets: [{ type: 'schedule', id: '' }], ackTimeoutMinutes: 15 }] });

interface Props {
  initial: PolicyDraft;
  choices: Record<TargetType, Choice[]>;
  onCreated(): void;
  /** editing this existing policy (PUT) instead of creating a new one */
  editingId?: string | undefined;
  onCancel?: () => void;
}

/** Replaces an existing policy (open pages keep the copy they started with). */
const updatePolicy = (id: string, body: NewEscalationPolicy) => call<EscalationPolicy>('PUT', `/api/v1/escalation-policies/${encodeURIComponent(id)}`, body);

const isTargetType = (v: string): v is TargetType => (TARGET_TYPES as readonly string[]).includes(v);

/** Admin: a new escalation policy — steps of targets with an acknowledgement timeout, and repeats. */
export function PolicyEditor({ initial, choices, onCreated, editingId, onCancel }: Props) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const setStep = (i: number, patch: Partial<PolicyDraft['steps'][number]>) => setDraft((d) => ({ ...d, steps: d.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: NewEscalationPolicy = { name: draft.name, steps: draft.steps, repeat: draft.repeat, default: draft.default };
      if (editingId) await updatePolicy(editingId, body);
      else await api.createEscalationPolicy(body);
      setDraft(emptyPolicy());
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card panel stack policy-editor" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="policy-editor-title">
      <h2 id="policy-editor-title" className="panel-title">
        {editingId ? t('oncallEdit.title', { name: initial.name }) : t('esc.new')}
      </h2>
      {editingId && <p className="muted small">{t('oncallEdit.hint')}</p>}
      <Field label={t('esc.name')} required error={fieldError(error, 'body.name')}>
        {(p) => <input {...p} type="text" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
      </Field>
      <ol className="esc-edit-steps">
        {draft.steps.map((s, i) => (
          <li key={i} className="esc-edit-step">
            <div className="esc-edit-head">
              <strong>{t('esc.step', { n: i + 1 })}</strong>
              <span className="filters-spacer" />
              <label className="inline-label">
                {t('esc.ackAfter')}
                <input
                  type="number"
                  min={1}
                  className="input-narrow"
                  aria-label={t('esc.ackAfterStep', { n: i + 1 })}
                  value={s.ackTimeoutMinutes}
                  aria-invalid={fieldError(error, `body.steps.${i}.ackTimeoutMinutes`) ? true : undefined}
                  onChange={(e) => setStep(i, { ackTimeoutMinutes: Number(e.target.value) })}
                />
                {t('esc.minutes')}
              </label>
              {draft.steps.length > 1 && (
                <button type="button" className="btn btn-ghost btn-small" aria-label={t('esc.removeStep', { n: i + 1 })} onClick={() => setDraft({ ...draft, steps: draft.steps.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              )}
            </div>
            {s.targets.map((tg, k) => (
              <div key={k} className="row-gap esc-target-row">
                <select aria-label={t('esc.targetType', { n: i + 1 })} value={tg.type} onChange={(e) => isTargetType(e.target.value) && setStep(i, { targets: s.targets.map((x, m) => (m === k ? { type: e.target.value as TargetType, id: '' } : x)) })}>
                  {TARGET_TYPES.map((ty) => (
                    <option key={ty} value={ty}>
                      {t(`esc.type.${ty}`)}
                    </option>
                  ))}
                </select>
                <select
                  aria-label={t('esc.target', { n: i + 1 })}
                  value={tg.id}
                  aria-invalid={fieldError(error, `body.steps.${i}.targets.${k}`) ? true : undefined}
                  onChange={(e) => setStep(i, { targets: s.targets.map((x, m) => (m === k ? { ...x, id: e.target.value } : x)) })}
                >
                  <option value="">{t('newTicket.choose')}</option>
                  {choices[tg.type].map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
                {s.targets.length > 1 && (
                  <button type="button" className="btn btn-ghost btn-small" aria-label={t('esc.removeTarget')} onClick={() => setStep(i, { targets: s.targets.filter((_, m) => m !== k) })}>
                    ✕
                  </button>
                )}
              </div>
            ))}
            <button type="button" className="btn btn-small" onClick={() => setStep(i, { targets: [...s.targets, { type: 'user', id: '' }] })}>
              ＋ {t('esc.addTarget')}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="btn btn-small" onClick={() => setDraft({ ...draft, steps: [...draft.steps, { targets: [{ type: 'user', id: '' }], ackTimeoutMinutes: 15 }] })}>
        ＋ {t('esc.addStep')}
      </button>
      <div className="grid-2">
        <Field label={t('esc.repeat')} hint={t('esc.repeatHint')} error={fieldError(error, 'body.repeat')}>
          {(p) => <input {...p} type="number" min={0} value={draft.repeat} onChange={(e) => setDraft({ ...draft, repeat: Number(e.target.value) })} />}
        </Field>
        <label className="check esc-default">
          <input type="checkbox" checked={draft.default} onChange={(e) => setDraft({ ...draft, default: e.target.checked })} />
          {t('esc.makeDefault')}
        </label>
      </div>
      <ErrorNotice error={error} inline={['body.name', 'body.repeat']} />
      <div className="form-actions">
        {editingId && onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {editingId ? t('oncallEdit.save') : t('esc.create')}
        </button>
      </div>
    </form>
  );
}
