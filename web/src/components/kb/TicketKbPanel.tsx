import { ErrorNotice } from '../ErrorNotice.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n/index.tsx';
import { Link } from '../../router.tsx';
import { Highlighted } from './Highlighted.tsx';
import { kbApi, type Similar } from './kbApi.ts';

type SimilarItem = Similar['cases'][number];

interface Props {
  ticket: { id: string; status: string };
}

/**
 * On the agent's ticket page: similar solved cases and articles, ranked with the ticket's text and
 * its RTC facts (error code, SDK version, platform; the facts an item shares are marked), and, once
 * the ticket is solved, the way to turn it into a case.
 */
export function TicketKbPanel({ ticket }: Props) {
  const { t } = useI18n();
  const solved = ticket.status === 'solved' || ticket.status === 'closed';
  const similar = useLoad(() => kbApi.similar(ticket.id, 5), [ticket.id]);
  const draft = useLoad(async () => (solved ? kbApi.caseDraft(ticket.id) : null), [ticket.id, solved]);
  const d = similar.data;

  const item = (i: SimilarItem, href: string) => (
    <li key={i.id} className="kb-result">
      <div className="kb-result-title">
        <Link to={href}>
          <Highlighted text={i.title} spans={i.highlights.title} />
        </Link>
        {i.draft && <span className="badge kb-draft">{t('kb.status.draft')}</span>}
      </div>
      <p className="kb-snippet">
        <Highlighted text={i.snippet} spans={i.highlights.snippet} />
      </p>
      {(i.matchedFacts.errorCode || i.matchedFacts.sdkVersion || i.matchedFacts.platform) && (
        <div className="kb-meta">
          {i.matchedFacts.errorCode && <span className="badge kb-fact">✓ {t('kb.similar.sameErrorCode')}</span>}
          {i.matchedFacts.sdkVersion && <span className="badge kb-fact">✓ {t('kb.similar.sameSdk')}</span>}
          {i.matchedFacts.platform && <span className="badge kb-fact">✓ {t('kb.similar.samePlatform')}</span>}
        </div>
      )}
    </li>
  );

  return (
    <section className="card panel kb-ticket-panel" aria-labelledby={`kb-similar-${ticket.id}`}>
      <h2 id={`kb-similar-${ticket.id}`} className="panel-title">
        {t('kb.similar.title')}
      </h2>
      {solved && draft.data && (
        <div className="kb-case-action">
          {draft.data.existingCaseId ? (
            <Link to={`/console/kb/cases/${encodeURIComponent(draft.data.existingCaseId)}`} className="btn btn-small">
              {t('kb.case.openExisting')}
            </Link>
          ) : (
            <Link to={`/console/kb/cases/new?ticket=${encodeURIComponent(ticket.id)}`} className="btn btn-small btn-primary">
              {t('kb.case.makeFromTicket')}
            </Link>
          )}
        </div>
      )}
      <ErrorNotice error={similar.error ?? draft.error} />
      {d && (
        <>
          {(d.facts.errorCode || d.facts.sdkVersion || d.facts.platform) && (
            <p className="muted small">
              {t('kb.similar.facts')} {[d.facts.errorCode && t('kb.meta.errorCode', { code: d.facts.errorCode }), d.facts.sdkVersion && `SDK ${d.facts.sdkVersion}`, d.facts.platform].filter(Boolean).join(' · ')}
            </p>
          )}
          <h3 className="kb-subtitle">{t('kb.similar.cases')}</h3>
          {d.cases.length === 0 ? <p className="muted">{t('kb.similar.noCases')}</p> : <ol className="kb-results kb-results-compact">{d.cases.map((c) => item(c, `/console/kb/cases/${encodeURIComponent(c.id)}`))}</ol>}
          <h3 className="kb-subtitle">{t('kb.similar.articles')}</h3>
          {d.articles.length === 0 ? <p className="muted">{t('kb.similar.noArticles')}</p> : <ol className="kb-results kb-results-compact">{d.articles.map((a) => item(a, `/console/kb/articles/${encodeURIComponent(a.id)}`))}</ol>}
        </>
      )}
    </section>
  );
}
