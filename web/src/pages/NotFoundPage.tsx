import { useI18n } from '../i18n/index.tsx';
import { Link } from '../router.tsx';

export function NotFoundPage({ home }: { home: string }) {
  const { t } = useI18n();
  return (
    <div className="page empty">
      <h1>{t('notFound.title')}</h1>
      <Link to={home}>{t('notFound.home')}</Link>
    </div>
  );
}
