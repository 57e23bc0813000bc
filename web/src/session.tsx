import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorizedHandler } from './api.ts';
import type { Me } from './types.ts';

export type SessionState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; me: Me };

interface Session {
  state: SessionState;
  login(handle: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in: `GET /api/v1/me` decides, and decides which view (console or portal) they get. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let live = true;
    setUnauthorizedHandler(() => setState({ status: 'anonymous' }));
    api.me().then(
      (me) => live && setState({ status: 'signed-in', me }),
      () => live && setState({ status: 'anonymous' }),
    );
    return () => {
      live = false;
      setUnauthorizedHandler(null);
    };
  }, []);

  const login = useCallback(async (handle: string, password: string) => {
    await api.login(handle, password);
    setState({ status: 'signed-in', me: await api.me() });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout }), [state, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside <SessionProvider>');
  return ctx;
}

/** The signed-in person; only for pages rendered behind the login. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe before sign-in');
  return state.me;
}
