import type { ReactNode } from 'react';

/**
 * Text with the search's matched spans marked: the server sends plain text and [start, end)
 * offsets, React escapes the text, so nothing in an article can inject markup here.
 */
export function Highlighted({ text, spans }: { text: string; spans: readonly (readonly [number, number])[] }) {
  const out: ReactNode[] = [];
  let at = 0;
  for (const [s, e] of spans) {
    if (s < at || e <= s || e > text.length) continue;
    if (s > at) out.push(text.slice(at, s));
    out.push(<mark key={s}>{text.slice(s, e)}</mark>);
    at = e;
  }
  if (at < text.length) out.push(text.slice(at));
  return <>{out}</>;
}
