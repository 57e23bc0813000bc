import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { Loading } from '../../components/Loading.tsx';
import { ArticleMeta } from '../../components/kb/ArticleMeta.tsx';
import { FeedbackForm } from '../../components/kb/FeedbackForm.tsx';
import { Markdown } from '../../components/kb/Markdown.tsx';
import { kbApi } from '../../components/kb/kbApi.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';

/** One help-center article: the text, its translation, and "was this helpful?". */
export function HelpArticlePage({ id, base = '/portal/help' }: { id: string; base?: string }) {
  const { t, fmt } = useI18n();
  const article = useLoad(() => kbApi.article(id), [id]);
  const a = article.data;
  if (!a) {
    if (!article.error) return <Loading />;
    return (
      <div className="page stack">
        <ErrorNotice error={article.error} />
        <Link to={base}>← {t('kb.help.back')}</Link>
      </div>
    );
  }
  return (
    <div className="page page-narrow kb-article-page">
      <Link to={base} className="back-link">
        ← {t('kb.help.back')}
      </Link>
      <article className="card panel stack" lang={a.lang === 'zh' ? 'zh-CN' : 'en'}>
        <h1>{a.title}</h1>
        <div className="row-gap muted small">
          <span>{t('kb.article.updated', { at: fmt.dateTime(a.updatedAt) })}</span>
          {a.translations.map((tr) => (
            <Link key={tr.id} to={`${base}/${encodeURIComponent(tr.id)}`} className="kb-translation-link">
              {tr.lang === 'zh' ? t('kb.article.readZh') : t('kb.article.readEn')}
            </Link>
          ))}
        </div>
        <ArticleMeta productArea={a.productArea} tags={a.tags} platforms={a.platforms} sdkVersions={a.sdkVersions} errorCodes={a.errorCodes} />
        <Markdown text={a.body} />
      </article>
      <FeedbackForm key={a.id} articleId={a.id} />
      <p className="muted">
        {t('kb.article.stillStuck')} <Link to="/portal/new">{t('nav.newTicket')}</Link>
      </p>
    </div>
  );
}
