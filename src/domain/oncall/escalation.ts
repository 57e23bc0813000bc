/**
 * Escalation policies and the pure state machine of one page.
 *
 * A page starts at `startedAt` with step 0 of pass 0. Each step notifies its targets (users as
 * they are; schedules and groups through a resolver, evaluated at the instant the step starts)
 * and waits `ackTimeoutMinutes`; without an acknowledgement the next step starts. After the last
 * step the policy starts over, `repeat` more times (so there are 1 + repeat passes). After the
 * last step of the last pass times out the page is exhausted. A step whose targets resolve to
 * nobody is skipped at once (the next step starts at the same instant) instead of waiting its
 * timeout with nobody paged. Acknowledging or resolving stops everything from that instant on
 * (an acknowledgement at the very instant a step would start wins: that step is not notified).
 * Every instant is [start, end): a step started at t with a 5-minute timeout is active on
 * [t, t + 5 min).
 */
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { zodToAppError } from './schedule.ts';

export const TARGET_TYPES = ['user', 'schedule', 'group'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export interface EscalationTarget {
  type: TargetType;
  id: string;
}

export interface EscalationStep {
  targets: EscalationTarget[];
  ackTimeoutMinutes: number;
}

export interface EscalationPolicy {
  steps: EscalationStep[];
  /** how many more times the whole list runs after the first pass (0–MAX_REPEAT) */
  repeat: number;
}

export const MAX_REPEAT = 9;

export const escalationPolicySchema = z.object({
  steps: z
    .array(
      z.object({
        targets: z
          .array(
            z.object({
              type: z.enum(TARGET_TYPES, { error: `must be one of ${TARGET_TYPES.join(', ')}` }),
              id: z.string().trim().min(1, 'must not be empty'),
            }),
          )
          .min(1, 'must list at least one target'),
        ackTimeoutMinutes: z
          .number({ error: 'must be a number of minutes' })
          .int('must be a whole number of minutes')
          .min(1, 'must be at least 1 minute'),
      }),
    )
    .min(1, 'must have at least one step'),
  repeat: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(MAX_REPEAT, `must be at most ${MAX_REPEAT}`)
    .default(0),
});

/** Validates an untrusted policy; throws AppError('validation') with field paths. */
export function validateEscalationPolicy(input: unknown): EscalationPolicy {
  const r = escalationPolicySchema.safeParse(input);
  if (!r.success) throw zodToAppError(r.error);
  return r.data;
}

/** Who a schedule or group target means at an instant (a schedule: who is on call then). */
export type TargetResolver = (target: EscalationTarget & { type: 'schedule' | 'group' }, at: Date) => readonly string[];

/** The users a step notifies when it starts at `at`: targets in order, each user once. */
export function stepRecipients(step: EscalationStep, at: Date, resolve: TargetResolver): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const target of step.targets) {
    let users: readonly string[];
    switch (target.type) {
      case 'user':
        users = [target.id];
        break;
      case 'schedule':
      case 'group':
        users = resolve({ type: target.type, id: target.id }, at);
        break;
    }
    for (const u of users) {
      if (!seen.has(u)) {
        seen.add(u);
        out.push(u);
      }
    }
  }
  return out;
}

/** One step of one pass, as it happens (or would happen without an acknowledgement). */
export interface StepActivation {
  /** 0-based pass (0 = first run, 1 = first repeat …) */
  pass: number;
  /** 0-based index into policy.steps */
  step: number;
  /** when the step starts and its targets are notified */
  at: Date;
  /** when it times out (= `at` for a skipped step) */
  until: Date;
  users: string[];
  /** true when the step resolved to nobody and was passed over at once */
  skipped: boolean;
}

/** Every activation of a page in order, lazily (finite: (1 + repeat) × steps). */
export function* escalationActivations(policy: EscalationPolicy, startedAt: Date, resolve: TargetResolver): Generator<StepActivation> {
  let t = startedAt.getTime();
  for (let pass = 0; pass <= policy.repeat; pass++) {
    for (let step = 0; step < policy.steps.length; step++) {
      const def = policy.steps[step] as EscalationStep;
      const users = stepRecipients(def, new Date(t), resolve);
      const skipped = users.length === 0;
      const until = skipped ? t : t + def.ackTimeoutMinutes * 60_000;
      yield { pass, step, at: new Date(t), until: new Date(until), users, skipped };
      t = until;
    }
  }
}

/** The whole plan of a page if nobody acknowledges it. */
export function escalationTimeline(policy: EscalationPolicy, startedAt: Date, resolve: TargetResolver): StepActivation[] {
  return [...escalationActivations(policy, startedAt, resolve)];
}

export interface PageTimes {
  startedAt: Date;
  acknowledgedAt?: Date | null;
  resolvedAt?: Date | null;
}

export type EscalationStatus = 'not_started' | 'notifying' | 'acknowledged' | 'resolved' | 'exhausted';

export type NextKind = 'step' | 'repeat' | 'exhaust';

export interface NextAction {
  at: Date;
  /** step: the next step of this pass; repeat: step 0 of the next pass; exhaust: the last step times out */
  kind: NextKind;
  pass: number;
  /** null for exhaust */
  step: number | null;
}

export interface EscalationState {
  status: EscalationStatus;
  /** the step waiting for an acknowledgement at the instant (null unless status is notifying) */
  active: StepActivation | null;
  /** every activation that has happened by the instant (skipped ones included, with no users) */
  notified: StepActivation[];
  /** the next instant something must happen, or null once acknowledged, resolved or exhausted */
  next: NextAction | null;
  /** when the page became exhausted (null if not exhausted at the instant) */
  exhaustedAt: Date | null;
}

function validInstant(d: Date | null | undefined, path: string): number | null {
  if (d === null || d === undefined) return null;
  const ms = d instanceof Date ? d.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw AppError.validation(path, 'must be a valid date-time');
  return ms;
}

/**
 * The state of a page at instant `at`: which step is active, who has been notified, and what
 * happens next. Deterministic: the same inputs give the same answer at any wall-clock time.
 * An acknowledgement or resolution later than `at` is ignored (the state is as of `at`).
 */
export function escalationState(policy: EscalationPolicy, page: PageTimes, at: Date, resolve: TargetResolver): EscalationState {
  const now = validInstant(at, 'at') as number;
  const start = validInstant(page.startedAt, 'startedAt') as number;
  const ack = validInstant(page.acknowledgedAt, 'acknowledgedAt');
  const resolved = validInstant(page.resolvedAt, 'resolvedAt');
  const stops = [ack, resolved].filter((t): t is number => t !== null && t <= now);
  const cutoff = stops.length > 0 ? Math.min(...stops) : Number.POSITIVE_INFINITY;

  const notified: StepActivation[] = [];
  let active: StepActivation | null = null;
  let upcoming: StepActivation | null = null;
  let last: StepActivation | null = null;
  for (const a of escalationActivations(policy, page.startedAt, resolve)) {
    const t = a.at.getTime();
    if (t > now || t >= cutoff) {
      upcoming = a;
      break;
    }
    notified.push(a);
    last = a;
    if (!a.skipped && now < a.until.getTime()) {
      active = a;
      // The next activation starts when this one times out; fetch it for `next`.
    }
  }

  if (resolved !== null && resolved <= now) {
    return { status: 'resolved', active: null, notified, next: null, exhaustedAt: null };
  }
  if (ack !== null && ack <= now) {
    return { status: 'acknowledged', active: null, notified, next: null, exhaustedAt: null };
  }
  if (now < start) {
    return { status: 'not_started', active: null, notified, next: { at: new Date(start), kind: 'step', pass: 0, step: 0 }, exhaustedAt: null };
  }
  if (active) {
    const next: NextAction = upcoming
      ? { at: upcoming.at, kind: upcoming.pass > active.pass ? 'repeat' : 'step', pass: upcoming.pass, step: upcoming.step }
      : { at: active.until, kind: 'exhaust', pass: active.pass, step: null };
    return { status: 'notifying', active, notified, next, exhaustedAt: null };
  }
  // Not waiting on any step and nothing left to start by `now`: every activation has timed out.
  const exhaustedAt = last ? last.until : new Date(start);
  return { status: 'exhausted', active: null, notified, next: null, exhaustedAt };
}
