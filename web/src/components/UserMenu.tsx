import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { navigate } from '../router.tsx';
import { useMe, useSession } from '../session.tsx';

/** The signed-in person's name and role, with sign-out in a small menu. */
export function UserMenu() {
  const { t } = useI18n();
  const { user, org } = useMe();
  const { logout } = useSession();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);

  const signOut = async () => {
    setOpen(false);
    await logout();
    navigate('/', { replace: true });
  };

  return (
    <div className="user-menu" ref={ref}>
      <button type="button" className="user-button" aria-haspopup="menu" aria-expanded={open} aria-label={t('user.menu')} onClick={() => setOpen((o) => !o)}>
        <span className="avatar" aria-hidden="true">
          {Array.from(user.name)[0] ?? '?'}
        </span>
        <span className="user-name">{user.name}</span>
        <span className="user-role">{org ? org.name : t(`role.${user.role}`)}</span>
      </button>
      {open && (
        <div className="menu" role="menu">
          <div className="menu-head">
            <div>{user.name}</div>
            <div className="muted">
              @{user.handle} · {t(`role.${user.role}`)}
              {user.level ? ` · ${user.level}` : ''}
            </div>
          </div>
          <button type="button" role="menuitem" onClick={() => void signOut()}>
            {t('user.signOut')}
          </button>
        </div>
      )}
    </div>
  );
}
