import { useI18n } from '../../i18n/index.tsx';

/** A staff member's name by id (the id itself, shortened, when the name is unknown). */
export function PersonName({ id, names, strong = false }: { id: string; names: ReadonlyMap<string, string>; strong?: boolean }) {
  const { t } = useI18n();
  const name = names.get(id);
  const text = name ?? `${t('common.someone')} (${id.slice(0, 8)})`;
  return strong ? <strong className="person">{text}</strong> : <span className="person">{text}</span>;
}
