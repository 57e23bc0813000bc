import { useI18n } from '../../i18n/index.tsx';
import { isKnownArea } from './kbApi.ts';

/** A product area by its translated name when it is one of the known ones. */
export function useAreaName(): (area: string) => string {
  const { t } = useI18n();
  return (area) => (isKnownArea(area) ? t(`kb.area.${area}`) : area);
}

interface Props {
  productArea?: string | null;
  tags?: readonly string[];
  platforms?: readonly string[];
  sdkVersions?: readonly string[];
  errorCodes?: readonly string[];
}

/** Product area, error codes, SDK versions, platforms and tags of an article or a case, as small labels. */
export function ArticleMeta({ productArea, tags = [], platforms = [], sdkVersions = [], errorCodes = [] }: Props) {
  const { t } = useI18n();
  const areaName = useAreaName();
  return (
    <div className="kb-meta">
      {productArea && <span className="badge kb-area">{areaName(productArea)}</span>}
      {errorCodes.map((c) => (
        <span key={`e${c}`} className="badge kb-code" title={t('kb.field.errorCodes')}>
          {t('kb.meta.errorCode', { code: c })}
        </span>
      ))}
      {sdkVersions.map((v) => (
        <span key={`v${v}`} className="badge kb-version" title={t('kb.field.sdkVersions')}>
          SDK {v}
        </span>
      ))}
      {platforms.map((p) => (
        <span key={`p${p}`} className="badge kb-platform" title={t('kb.field.platforms')}>
          {p}
        </span>
      ))}
      {tags.map((tag) => (
        <span key={`t${tag}`} className="badge kb-tag">
          #{tag}
        </span>
      ))}
    </div>
  );
}
