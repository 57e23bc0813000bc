import { Fragment, type ReactNode } from 'react';

/**
 * A small markdown renderer for articles: headings, paragraphs, lists, tables, block quotes, fenced
 * code, rules; inline code, bold, italics and links. It builds React elements from the text, so
 * everything is escaped: raw HTML in an article shows as text, and links only go to http(s),
 * mailto or this site.
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return <div className={`markdown${className ? ` ${className}` : ''}`}>{blocks(text)}</div>;
}

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'quote'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'rule' };

const TABLE_RULE = /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$/;
const cells = (line: string): string[] => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());

export function parseBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const t = line.trim();
    if (t === '') {
      i++;
      continue;
    }
    const fence = /^(```|~~~)/.exec(t);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).trim().startsWith(fence[1] as string)) code.push(lines[i++] as string);
      i++;
      out.push({ kind: 'code', text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(t);
    if (heading) {
      out.push({ kind: 'heading', level: (heading[1] as string).length, text: (heading[2] as string).replace(/\s+#+$/, '') });
      i++;
      continue;
    }
    if (/^(-{3,}|\*{3,}|_{3,})$/.test(t)) {
      out.push({ kind: 'rule' });
      i++;
      continue;
    }
    if (t.startsWith('|') && i + 1 < lines.length && TABLE_RULE.test((lines[i + 1] as string).trim())) {
      const head = cells(t);
      const rows: string[][] = [];
      i += 2;
      while (i < lines.length && (lines[i] as string).trim().startsWith('|')) rows.push(cells(lines[i++] as string));
      out.push({ kind: 'table', head, rows });
      continue;
    }
    if (t.startsWith('>')) {
      const quote: string[] = [];
      while (i < lines.length && (lines[i] as string).trim().startsWith('>')) quote.push((lines[i++] as string).trim().replace(/^>\s?/, ''));
      out.push({ kind: 'quote', text: quote.join(' ') });
      continue;
    }
    const item = /^([-*+]|(\d+)[.)])\s+(.*)$/.exec(t);
    if (item) {
      const ordered = item[2] !== undefined;
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^([-*+]|(\d+)[.)])\s+(.*)$/.exec((lines[i] as string).trim());
        if (m && (m[2] !== undefined) === ordered) {
          items.push(m[3] as string);
          i++;
        } else if (items.length > 0 && (lines[i] as string).startsWith('  ') && (lines[i] as string).trim() !== '') {
          // A continuation line of the item.
          items[items.length - 1] += ` ${(lines[i++] as string).trim()}`;
        } else break;
      }
      out.push({ kind: 'list', ordered, start: ordered ? Number(item[2]) : 1, items });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length) {
      const l = (lines[i] as string).trim();
      if (l === '' || /^(#{1,6}\s|```|~~~|>|[-*+]\s|\d+[.)]\s)/.test(l) || (l.startsWith('|') && TABLE_RULE.test((lines[i + 1] ?? '').trim()))) break;
      para.push(l);
      i++;
    }
    out.push({ kind: 'paragraph', text: para.join(' ') });
  }
  return out;
}

function blocks(text: string): ReactNode[] {
  return parseBlocks(text).map((b, k) => {
    switch (b.kind) {
      case 'heading': {
        const H = `h${Math.min(6, b.level + 1)}` as 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
        return <H key={k}>{inline(b.text)}</H>;
      }
      case 'paragraph':
        return <p key={k}>{inline(b.text)}</p>;
      case 'list':
        return b.ordered ? (
          <ol key={k} start={b.start}>
            {b.items.map((it, j) => (
              <li key={j}>{inline(it)}</li>
            ))}
          </ol>
        ) : (
          <ul key={k}>
            {b.items.map((it, j) => (
              <li key={j}>{inline(it)}</li>
            ))}
          </ul>
        );
      case 'table':
        return (
          <div key={k} className="markdown-table">
            <table className="table">
              <thead>
                <tr>
                  {b.head.map((c, j) => (
                    <th key={j}>{inline(c)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.rows.map((r, j) => (
                  <tr key={j}>
                    {r.map((c, m) => (
                      <td key={m}>{inline(c)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      case 'quote':
        return <blockquote key={k}>{inline(b.text)}</blockquote>;
      case 'code':
        return (
          <pre key={k}>
            <code>{b.text}</code>
          </pre>
        );
      case 'rule':
        return <hr key={k} />;
    }
  });
}

/** Links only to the web, mail or this site; anything else (javascript:, data:) stays text. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^(https?:|mailto:)/i.test(h)) return h;
  if (h.startsWith('/') && !h.startsWith('//')) return h;
  if (h.startsWith('#')) return h;
  return null;
}

const INLINE = /`([^`]+)`|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])|(?<![\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])|\[([^\]]+)\]\(([^)\s]+)\)/gu;

export function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let k = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const [, code, bold1, bold2, em1, em2, label, href] = m;
    if (code !== undefined) out.push(<code key={k++}>{code}</code>);
    else if (bold1 !== undefined || bold2 !== undefined) out.push(<strong key={k++}>{inline(bold1 ?? bold2 ?? '')}</strong>);
    else if (em1 !== undefined || em2 !== undefined) out.push(<em key={k++}>{inline(em1 ?? em2 ?? '')}</em>);
    else if (label !== undefined) {
      const safe = safeHref(href ?? '');
      out.push(
        safe ? (
          <a key={k++} href={safe} rel="noopener noreferrer nofollow" {...(/^https?:/i.test(safe) ? { target: '_blank' } : {})}>
            {inline(label)}
          </a>
        ) : (
          <Fragment key={k++}>{m[0]}</Fragment>
        ),
      );
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
