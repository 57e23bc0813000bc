import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Highlighted } from '../../../web/src/components/kb/Highlighted.tsx';
import { Markdown, parseBlocks, safeHref } from '../../../web/src/components/kb/Markdown.tsx';
import { contentArticles } from '../../../src/services/kb-content.ts';

const html = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe('the help center markdown renderer', () => {
  it.each([
    ['headings one level below the page title', '## Symptoms\n### Detail', '<h3>Symptoms</h3><h4>Detail</h4>'],
    ['paragraphs joined across lines', 'one\ntwo\n\nthree', '<p>one two</p><p>three</p>'],
    ['bullets', '- a\n- b', '<ul><li>a</li><li>b</li></ul>'],
    ['numbered steps keep their start', '3. c\n4. d', '<ol start="3"><li>c</li><li>d</li></ol>'],
    ['inline code, bold and italics', 'Call `join()` **now**, *please*', '<p>Call <code>join()</code> <strong>now</strong>, <em>please</em></p>'],
    ['tables', '| A | B |\n|---|---|\n| 1 | 2 |', '<div class="markdown-table"><table class="table"><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table></div>'],
    ['fenced code as text', '```\n<b>x</b>\n```', '<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>'],
    ['block quotes and rules', '> note\n\n---', '<blockquote>note</blockquote><hr/>'],
    ['web links open safely', '[docs](https://example.com/a)', '<p><a href="https://example.com/a" rel="noopener noreferrer nofollow" target="_blank">docs</a></p>'],
  ])('renders %s', (_name, text, expected) => {
    expect(html(text)).toBe(`<div class="markdown">${expected}</div>`);
  });

  it('never lets raw HTML or script links through', () => {
    const out = html('<img src=x onerror="alert(1)"> <script>alert(2)</script>\n\n[click](javascript:alert(3)) [data](data:text/html,hi) [//evil](//evil.example)');
    expect(out).not.toMatch(/<img|<script|href="javascript|href="data|href="\/\/evil/);
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(out).toContain('[click](javascript:alert(3))');
  });

  it('accepts only web, mail, same-site and fragment links', () => {
    expect(['https://a.example', 'http://a.example', 'mailto:x@example.com', '/portal/help', '#steps'].map(safeHref)).toEqual(['https://a.example', 'http://a.example', 'mailto:x@example.com', '/portal/help', '#steps']);
    expect(['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,x', '//evil.example', 'vbscript:x', 'relative/path'].map(safeHref)).toEqual([null, null, null, null, null, null]);
  });

  it('renders every built-in article into headings and lists without leftover markup', () => {
    for (const a of contentArticles()) {
      const blocks = parseBlocks(a.body);
      expect(blocks.some((b) => b.kind === 'heading'), a.slug).toBe(true);
      expect(blocks.some((b) => b.kind === 'list'), a.slug).toBe(true);
      // No markdown syntax survives as text outside code: no "## " headings, no "**" emphasis.
      const out = html(a.body).replace(/<code>[^<]*<\/code>/g, '');
      expect(out, a.slug).not.toMatch(/(^|>)#{1,6} |\*\*/);
    }
  });
});

describe('search highlights', () => {
  it('marks the given spans and escapes the text around them', () => {
    const out = renderToStaticMarkup(createElement(Highlighted, { text: '<b>回声</b> and echo', spans: [[3, 5], [14, 18]] }));
    expect(out).toBe('&lt;b&gt;<mark>回声</mark>&lt;/b&gt; and <mark>echo</mark>');
  });

  it('ignores spans that overlap, run backwards or leave the text', () => {
    const out = renderToStaticMarkup(createElement(Highlighted, { text: 'abcdef', spans: [[0, 2], [1, 3], [4, 4], [5, 9]] }));
    expect(out).toBe('<mark>ab</mark>cdef');
  });
});
