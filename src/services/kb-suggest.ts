// Suggestions while a customer writes a ticket, and the deflection rate: each suggestion session
// records what was shown, which articles were opened, and whether a ticket was still submitted.
// A session that opened an article and submitted no ticket counts as deflected.

import type { Lang } from '../domain/kb/analyze.ts';
import { AppError } from '../domain/errors.ts';
import * as repo from '../store/repos/kb.ts';
import type { Actor, Ctx } from './context.ts';
import { newId } from './crypto.ts';
import { hydrate, type SearchItem } from './kb.ts';
import { facetsFor, searchIndex } from './kb-search.ts';
import { requireStaff } from './policy.ts';
import { loadVisibleTicket } from './tickets.ts';

export interface SuggestInput {
  subject: string;
  body?: string;
  lang?: Lang;
  limit: number;
  /** The session of earlier calls while the same ticket is being written. */
  sessionId?: string;
}

/** The best published articles for what is being written; everyone sees published articles only here. */
export async function suggest(ctx: Ctx, actor: Actor, input: SuggestInput): Promise<{ sessionId: string; items: SearchItem[] }> {
  const text = `${input.subject}\n${(input.body ?? '').slice(0, 2000)}`;
  const result = await searchIndex(ctx.db, { text, facets: facetsFor(['published'], input.lang), limit: input.limit });
  const items = await hydrate(ctx.db, result.hits, result.terms);
  const now = ctx.clock.now();
  const shown = items.map((i) => i.id);
  const query = text.slice(0, 4000);
  if (input.sessionId) {
    const sessionId = input.sessionId;
    await ctx.db.transaction().execute(async (tx) => {
      const s = await repo.lockSession(tx, sessionId);
      if (!s || s.user_id !== actor.userId) throw AppError.notFound('suggestion session');
      await repo.updateSession(tx, sessionId, { query, shown: JSON.stringify([...new Set([...s.shown, ...shown])]), updated_at: now });
    });
    return { sessionId, items };
  }
  const s = await repo.insertSession(ctx.db, { id: newId(), user_id: actor.userId, org_id: actor.orgId, query, shown: JSON.stringify(shown), opened: '[]', created_at: now, updated_at: now });
  return { sessionId: s.id, items };
}

export type SuggestionEvent = { type: 'opened'; articleId: string } | { type: 'submitted'; ticketId: string };

export async function recordSuggestionEvent(ctx: Ctx, actor: Actor, sessionId: string, event: SuggestionEvent) {
  if (event.type === 'opened') {
    const a = await repo.findArticle(ctx.db, event.articleId);
    if (!a || a.status !== 'published') throw AppError.validation('articleId', 'no such published article');
  } else {
    await loadVisibleTicket(ctx.db, actor, event.ticketId).catch(() => {
      throw AppError.validation('ticketId', 'no such ticket');
    });
  }
  return ctx.db.transaction().execute(async (tx) => {
    const s = await repo.lockSession(tx, sessionId);
    if (!s || s.user_id !== actor.userId) throw AppError.notFound('suggestion session');
    const now = ctx.clock.now();
    switch (event.type) {
      case 'opened':
        return repo.updateSession(tx, sessionId, { opened: JSON.stringify([...new Set([...s.opened, event.articleId])]), first_opened_at: s.first_opened_at ?? now, updated_at: now });
      case 'submitted':
        if (s.ticket_id && s.ticket_id !== event.ticketId) throw new AppError('conflict', 'this session already led to another ticket', [{ path: 'ticketId', message: 'already submitted' }]);
        return repo.updateSession(tx, sessionId, { ticket_id: event.ticketId, submitted_at: s.submitted_at ?? now, updated_at: now });
    }
  });
}

/** Deflection over the sessions started in [from, to). */
export async function deflectionReport(ctx: Ctx, actor: Actor, from: Date, to: Date) {
  requireStaff(actor);
  if (!(from < to)) throw AppError.validation('querystring.from', 'must be before to');
  const c = await repo.deflectionCounts(ctx.db, from, to);
  const deflected = c.opened - c.openedAndSubmitted;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    sessions: c.sessions,
    withSuggestions: c.withSuggestions,
    opened: c.opened,
    submitted: c.submitted,
    deflected,
    /** Sessions that opened an article and filed no ticket, per session that was shown suggestions. */
    deflectionRate: c.withSuggestions > 0 ? deflected / c.withSuggestions : null,
    openRate: c.withSuggestions > 0 ? c.opened / c.withSuggestions : null,
  };
}
