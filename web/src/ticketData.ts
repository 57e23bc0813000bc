import { useMemo } from 'react';
import { api } from './api.ts';
import { useLoad, type Loaded } from './hooks.ts';
import type { Escalation, Ticket, TicketEvent, User } from './types.ts';

export interface TicketData {
  ticket: Ticket;
  events: TicketEvent[];
  escalations: Escalation[];
}

/** A ticket with its history and escalations, loaded together and reloaded together after a change. */
export function useTicketData(id: string): Loaded<TicketData> {
  return useLoad(async () => {
    const [ticket, events, escalations] = await Promise.all([api.ticket(id), api.events(id), api.escalations(id)]);
    return { ticket, events: events.items, escalations: escalations.items };
  }, [id]);
}

/** Every person this page can name: the agents list, the actors of the history, the assignee. */
export function usePeopleNames(data: TicketData | undefined, agents: User[] = []): ReadonlyMap<string, string> {
  return useMemo(() => {
    const m = new Map<string, string>();
    for (const a of agents) m.set(a.id, a.name);
    for (const e of data?.events ?? []) if (e.actor) m.set(e.actor.id, e.actor.name);
    if (data?.ticket.assignee) m.set(data.ticket.assignee.id, data.ticket.assignee.name);
    return m;
  }, [data, agents]);
}
