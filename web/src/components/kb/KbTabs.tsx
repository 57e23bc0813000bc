import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';

/** Articles | Case library, on the console's knowledge-base pages. */
export function KbTabs({ active }: { active: 'articles' | 'cases' }) {
  const { t } = useI18n();
  return (
    <nav className="tabs kb-tabs" aria-label={t('kb.console.title')}>
      <Link to="/console/kb" className={`tab${active === 'articles' ? ' active' : ''}`} aria-current={active === 'articles' ? 'page' : undefined}>
        {t('kb.console.articles')}
      </Link>
      <Link to="/console/kb/cases" className={`tab${active === 'cases' ? ' active' : ''}`} aria-current={active === 'cases' ? 'page' : undefined}>
        {t('kb.cases.title')}
      </Link>
    </nav>
  );
}
