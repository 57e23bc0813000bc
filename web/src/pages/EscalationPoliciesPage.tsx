import { useMemo, useState } from 'react';
import { api } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Loading } from '../components/Loading.tsx';
import { PolicyCard, type TargetNames } from '../components/oncall/PolicyCard.tsx';
import { emptyPolicy, PolicyEditor, type Choice, type PolicyDraft } from '../components/oncall/PolicyEditor.tsx';
import { useLoad } from '../hooks.ts';
import { useI18n } from '../i18n/index.tsx';
import { useGroups, useStaff } from '../oncallData.ts';
import { useMe } from '../session.tsx';
import type { EscalationPolicy, TargetType } from '../types.ts';
import { TARGET_TYPES } from '../types.ts';

const asDraft = (p: EscalationPolicy, name: string, keepDefault = false): PolicyDraft => ({
  name,
  repeat: p.repeat,
  default: keepDefault ? p.default : false,
  steps: p.steps.map((s) => ({ ackTimeoutMinutes: s.ackTimeoutMinutes, targets: s.targets.map((tg) => ({ type: TARGET_TYPES.find((x) => x === tg.type) ?? 'user', id: tg.id })) })),
});

/** Escalation policies: who is paged in which order; admins add new ones (a copy of an existing one, or from scratch). */
export function EscalationPoliciesPage() {
  const { t } = useI18n();
  const { user } = useMe();
  const list = useLoad(async () => {
    const [policies, schedules] = await Promise.all([api.escalationPolicies(), api.schedules()]);
    return { policies: policies.items, schedules: schedules.items };
  }, []);
  const staff = useStaff();
  const groups = useGroups();
  const [draft, setDraft] = useState<{ n: number; value: PolicyDraft; editingId?: string }>({ n: 0, value: emptyPolicy() });

  const choices = useMemo<Record<TargetType, Choice[]>>(
    () => ({
      user: (staff.data ?? []).map((u) => ({ id: u.id, name: u.name })),
      schedule: (list.data?.schedules ?? []).map((s) => ({ id: s.id, name: s.name })),
      group: (groups.data ?? []).map((g) => ({ id: g.id, name: g.name })),
    }),
    [staff.data, list.data, groups.data],
  );
  const names = useMemo<TargetNames>(() => ({ user: new Map(choices.user.map((c) => [c.id, c.name])), schedule: new Map(choices.schedule.map((c) => [c.id, c.name])), group: new Map(choices.group.map((c) => [c.id, c.name])) }), [choices]);
  const admin = user.role === 'admin';

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('esc.title')}</h1>
      </div>
      <ErrorNotice error={list.error} />
      <div className={admin ? 'policies-layout' : ''}>
        <div className="stack">
          {!list.data ? (
            !list.error && <Loading />
          ) : list.data.policies.length === 0 ? (
            <div className="empty">{t('esc.none')}</div>
          ) : (
            list.data.policies.map((p) => (
              <PolicyCard
                key={p.id}
                policy={p}
                names={names}
                {...(admin
                  ? {
                      onCopy: () => setDraft((d) => ({ n: d.n + 1, value: asDraft(p, t('esc.copyName', { name: p.name })) })),
                      onEdit: () => setDraft((d) => ({ n: d.n + 1, value: asDraft(p, p.name, true), editingId: p.id })),
                    }
                  : {})}
              />
            ))
          )}
        </div>
        {admin && (
          <PolicyEditor
            key={draft.n}
            initial={draft.value}
            choices={choices}
            editingId={draft.editingId}
            onCancel={() => setDraft((d) => ({ n: d.n + 1, value: emptyPolicy() }))}
            onCreated={() => {
              if (draft.editingId) setDraft((d) => ({ n: d.n + 1, value: emptyPolicy() }));
              void list.reload();
            }}
          />
        )}
      </div>
    </div>
  );
}
