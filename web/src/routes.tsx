import { useEffect, type ReactNode } from 'react';
import { AppShell } from './components/AppShell.tsx';
import { Loading } from './components/Loading.tsx';
import { useI18n, type MessageKey } from './i18n/index.tsx';
import { AgentTicketPage } from './pages/AgentTicketPage.tsx';
import { CalendarsPage } from './pages/CalendarsPage.tsx';
import { EscalationPoliciesPage } from './pages/EscalationPoliciesPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { NewTicketPage } from './pages/NewTicketPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { OnCallPage } from './pages/OnCallPage.tsx';
import { OrgsPage } from './pages/OrgsPage.tsx';
import { PagesPage } from './pages/PagesPage.tsx';
import { PortalTicketPage } from './pages/PortalTicketPage.tsx';
import { PortalTicketsPage } from './pages/PortalTicketsPage.tsx';
import { QueuePage } from './pages/QueuePage.tsx';
import { SlaPolicyPage } from './pages/SlaPolicyPage.tsx';
import { StatusAdminPage } from './pages/StatusAdminPage.tsx';
import { StatusPage } from './pages/StatusPage.tsx';
import { ArticleEditorPage } from './pages/kb/ArticleEditorPage.tsx';
import { CaseLibraryPage } from './pages/kb/CaseLibraryPage.tsx';
import { CasePage } from './pages/kb/CasePage.tsx';
import { HelpArticlePage } from './pages/kb/HelpArticlePage.tsx';
import { HelpCenterPage } from './pages/kb/HelpCenterPage.tsx';
import { KbConsolePage } from './pages/kb/KbConsolePage.tsx';
import { NewCasePage } from './pages/kb/NewCasePage.tsx';
import { IncidentListPage } from './pages/quality/IncidentListPage.tsx';
import { IncidentPage } from './pages/quality/IncidentPage.tsx';
import { QualityDashboardPage } from './pages/quality/QualityDashboardPage.tsx';
import { matchPath, navigate, useLocation } from './router.tsx';
import { useSession } from './session.tsx';
import { isStaffRole, type Role } from './types.ts';
import { api } from './api.ts';
import { syncServerTime } from './serverTime.ts';

interface Route {
  path: string;
  title: MessageKey;
  render(params: Record<string, string>): ReactNode;
  /** Only these roles may open it (others get "not found"); default: everyone of the area. */
  roles?: readonly Role[];
}

const STAFF_ROUTES: Route[] = [
  { path: '/console', title: 'nav.queue', render: () => <QueuePage /> },
  { path: '/console/tickets/:id', title: 'nav.queue', render: (p) => <AgentTicketPage key={p.id} id={p.id ?? ''} /> },
  { path: '/console/oncall', title: 'nav.oncall', render: () => <OnCallPage /> },
  { path: '/console/oncall/policies', title: 'nav.escalationPolicies', render: () => <EscalationPoliciesPage /> },
  { path: '/console/oncall/pages', title: 'nav.pages', render: () => <PagesPage /> },
  { path: '/console/status', title: 'statusAdmin.nav', render: () => <StatusAdminPage /> },
  { path: '/console/admin/sla', title: 'nav.slaPolicies', render: () => <SlaPolicyPage />, roles: ['admin'] },
  { path: '/console/admin/calendars', title: 'nav.calendars', render: () => <CalendarsPage />, roles: ['admin'] },
  { path: '/console/admin/orgs', title: 'nav.orgs', render: () => <OrgsPage />, roles: ['admin'] },
  { path: '/console/quality', title: 'quality.nav.dashboard', render: () => <QualityDashboardPage base="/console/quality" /> },
  { path: '/console/incidents', title: 'quality.nav.incidents', render: () => <IncidentListPage base="/console/incidents" /> },
  { path: '/console/incidents/:id', title: 'quality.nav.incidents', render: (p) => <IncidentPage key={p.id} id={p.id ?? ''} base="/console/incidents" dashboard="/console/quality" staff /> },
  { path: '/console/kb', title: 'kb.nav.articles', render: () => <KbConsolePage /> },
  { path: '/console/kb/new', title: 'kb.nav.articles', render: () => <ArticleEditorPage /> },
  { path: '/console/kb/articles/:id', title: 'kb.nav.articles', render: (p) => <ArticleEditorPage key={p.id} id={p.id ?? ''} /> },
  { path: '/console/kb/cases', title: 'kb.nav.cases', render: () => <CaseLibraryPage /> },
  { path: '/console/kb/cases/new', title: 'kb.nav.cases', render: () => <NewCasePage /> },
  { path: '/console/kb/cases/:id', title: 'kb.nav.cases', render: (p) => <CasePage key={p.id} id={p.id ?? ''} /> },
];

const CUSTOMER_ROUTES: Route[] = [
  { path: '/portal', title: 'nav.myTickets', render: () => <PortalTicketsPage /> },
  { path: '/portal/new', title: 'nav.newTicket', render: () => <NewTicketPage /> },
  { path: '/portal/tickets/:id', title: 'nav.myTickets', render: (p) => <PortalTicketPage key={p.id} id={p.id ?? ''} /> },
  { path: '/portal/quality', title: 'quality.nav.dashboard', render: () => <QualityDashboardPage base="/portal/quality" /> },
  { path: '/portal/incidents', title: 'quality.nav.incidents', render: () => <IncidentListPage base="/portal/incidents" /> },
  { path: '/portal/incidents/:id', title: 'quality.nav.incidents', render: (p) => <IncidentPage key={p.id} id={p.id ?? ''} base="/portal/incidents" dashboard="/portal/quality" staff={false} /> },
  { path: '/portal/help', title: 'kb.nav.helpCenter', render: () => <HelpCenterPage /> },
  { path: '/portal/help/:id', title: 'kb.nav.helpCenter', render: (p) => <HelpArticlePage key={p.id} id={p.id ?? ''} /> },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** The role decides the view: support staff get the console, customers the portal. */
export function Routes() {
  const { state } = useSession();
  const { path } = useLocation();
  const { t } = useI18n();
  const signedIn = state.status === 'signed-in';
  // Countdowns compare the server's instants with "now": read the server's clock once.
  useEffect(() => {
    if (signedIn) syncServerTime(api.health).catch(() => undefined);
  }, [signedIn]);
  // The public status page: no sign-in, whoever is (or is not) signed in.
  if (path === '/status') return <StatusPage />;
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous') return <LoginPage />;

  const staff = isStaffRole(state.me.user.role);
  const home = staff ? '/console' : '/portal';
  if (path === '/' || path === '/login' || (staff ? path.startsWith('/portal') : path.startsWith('/console'))) return <Redirect to={home} />;
  for (const r of staff ? STAFF_ROUTES : CUSTOMER_ROUTES) {
    const params = matchPath(r.path, path);
    if (params && (!r.roles || r.roles.includes(state.me.user.role))) return <AppShell title={t(r.title)}>{r.render(params)}</AppShell>;
  }
  return (
    <AppShell title={t('notFound.title')}>
      <NotFoundPage home={home} />
    </AppShell>
  );
}
