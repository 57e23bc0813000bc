import type { ReactNode } from 'react';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { SideNav } from './SideNav.tsx';
import { UserMenu } from './UserMenu.tsx';

/** Left navigation, a top bar (page title, language, user menu) and the page. */
export function AppShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="shell">
      <SideNav />
      <div className="shell-main">
        <header className="topbar">
          <div className="topbar-title">{title}</div>
          <div className="topbar-tools">
            <LanguageSwitch />
            <UserMenu />
          </div>
        </header>
        <main className="content">{children}</main>
      </div>
    </div>
  );
}
