import { describeError } from '../errors.ts';
import { useI18n } from '../i18n/index.tsx';

interface Props {
  error: unknown;
  /** Field paths already shown next to their fields; they are not repeated here. */
  inline?: readonly string[];
}

/** A translated error headline, with what the server said (message or field list) below it. */
export function ErrorNotice({ error, inline = [] }: Props) {
  const { t } = useI18n();
  if (!error) return null;
  const { title, detail, issues } = describeError(t, error);
  const rest = issues.filter((i) => !inline.some((p) => i.path === p || i.path.startsWith(`${p}.`)));
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}</strong>
      {detail && <span className="notice-detail">{detail}</span>}
      {rest.length > 0 && (
        <ul>
          {rest.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              <code>{i.path}</code> {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
