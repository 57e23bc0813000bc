import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { Link, useLocation } from '../router.tsx';
import { useMe } from '../session.tsx';
import { isStaffRole, type Role } from '../types.ts';

interface Item {
  to: string;
  label: MessageKey;
  icon: string;
  active(path: string, search: URLSearchParams): boolean;
}

interface Section {
  title: MessageKey;
  items: Item[];
  roles: readonly Role[];
}

const isQueue = (p: string) => p === '/console' || p.startsWith('/console/tickets');

const SECTIONS: Section[] = [
  {
    title: 'nav.support',
    roles: ['admin', 'agent'],
    items: [
      { to: '/console', label: 'nav.queue', icon: '☰', active: (p, s) => isQueue(p) && s.get('mine') !== '1' },
      { to: '/console?mine=1', label: 'nav.mine', icon: '◉', active: (p, s) => p === '/console' && s.get('mine') === '1' },
    ],
  },
  {
    title: 'nav.oncallSection',
    roles: ['admin', 'agent'],
    items: [
      { to: '/console/oncall', label: 'nav.oncall', icon: '☎', active: (p) => p === '/console/oncall' },
      { to: '/console/oncall/pages', label: 'nav.pages', icon: '⚑', active: (p) => p === '/console/oncall/pages' },
      { to: '/console/oncall/policies', label: 'nav.escalationPolicies', icon: '⇶', active: (p) => p === '/console/oncall/policies' },
      { to: '/console/status', label: 'statusAdmin.nav', icon: '◉', active: (p) => p === '/console/status' },
    ],
  },
  {
    title: 'quality.nav.section',
    roles: ['admin', 'agent'],
    items: [
      { to: '/console/quality', label: 'quality.nav.dashboard', icon: '∿', active: (p) => p === '/console/quality' },
      { to: '/console/incidents', label: 'quality.nav.incidents', icon: '⚠', active: (p) => p.startsWith('/console/incidents') },
    ],
  },
  {
    title: 'nav.admin',
    roles: ['admin'],
    items: [
      { to: '/console/admin/sla', label: 'nav.slaPolicies', icon: '◇', active: (p) => p === '/console/admin/sla' },
      { to: '/console/admin/calendars', label: 'nav.calendars', icon: '□', active: (p) => p === '/console/admin/calendars' },
      { to: '/console/admin/orgs', label: 'nav.orgs', icon: '▦', active: (p) => p === '/console/admin/orgs' },
    ],
  },
  {
    title: 'nav.portal',
    roles: ['customer'],
    items: [
      { to: '/portal', label: 'nav.myTickets', icon: '☰', active: (p) => p === '/portal' || p.startsWith('/portal/tickets') },
      { to: '/portal/new', label: 'nav.newTicket', icon: '＋', active: (p) => p === '/portal/new' },
      { to: '/portal/incidents', label: 'quality.nav.incidents', icon: '⚠', active: (p) => p.startsWith('/portal/incidents') },
      { to: '/portal/quality', label: 'quality.nav.dashboard', icon: '∿', active: (p) => p === '/portal/quality' },
      { to: '/portal/help', label: 'kb.nav.helpCenter', icon: '?', active: (p) => p.startsWith('/portal/help') },
    ],
  },
  {
    title: 'kb.nav.section',
    roles: ['admin', 'agent'],
    items: [
      { to: '/console/kb', label: 'kb.nav.articles', icon: '▤', active: (p) => p === '/console/kb' || p.startsWith('/console/kb/articles') || p === '/console/kb/new' },
      { to: '/console/kb/cases', label: 'kb.nav.cases', icon: '✎', active: (p) => p.startsWith('/console/kb/cases') },
    ],
  },
];

/** The left navigation: the console for support staff, the portal for customers. */
export function SideNav() {
  const { t } = useI18n();
  const { user } = useMe();
  const { path, search } = useLocation();
  const staff = isStaffRole(user.role);
  const sections = SECTIONS.filter((s) => s.roles.includes(user.role));
  return (
    <nav className="sidenav" aria-label={t(staff ? 'nav.support' : 'nav.portal')}>
      <Link to={staff ? '/console' : '/portal'} className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◢
        </span>
        <span>
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </span>
      </Link>
      {sections.map((section) => (
        <div key={section.title}>
          <div className="nav-section">{t(section.title)}</div>
          <ul>
            {section.items.map((i) => {
              const active = i.active(path, search);
              return (
                <li key={i.to}>
                  <Link to={i.to} className={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
                    <span className="nav-icon" aria-hidden="true">
                      {i.icon}
                    </span>
                    {t(i.label)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
