import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every relative link in README.md and docs/*.md leads somewhere: the file exists, and so does the #anchor. */
const ROOT = resolve(import.meta.dirname, '..');
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks, where headings and links are. */
const prose = (markdown: string) => markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = (heading ?? '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Links to follow: [text](target) and ![alt](target), not to other sites. */
const relativeLinks = (markdown: string) =>
  [
    ...prose(markdown)
      .replace(/`[^`\n]*`/g, '')
      .matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g),
  ]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

function brokenLinks(page: string): string[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  return relativeLinks(text).flatMap((target) => {
    const [path = '', anchor] = target.split('#');
    const file = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), decodeURIComponent(path));
    if (!existsSync(file)) return [`${target}: no file ${relative(ROOT, file)}`];
    if (anchor === undefined) return [];
    if (statSync(file).isDirectory() || !file.endsWith('.md')) return [`${target}: an anchor into something that is not Markdown`];
    return anchorsOf(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor)) ? [] : [`${target}: no heading #${anchor} in ${relative(ROOT, file)}`];
  });
}

describe('links in the docs', () => {
  it.each(pages)('%s: every relative link resolves', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it('README.md stays a front door: at most 300 lines, reference material in docs/', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(300);
  });

  it('README.md, the front door, links every page of docs/', () => {
    const linked = new Set(relativeLinks(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((target) => target.split('#')[0]));
    expect(pages.filter((page) => page.startsWith('docs/') && !linked.has(page))).toEqual([]);
  });

  it('reads anchors and links as GitHub does', () => {
    const markdown =
      '# The proof: `npm run faults`\n## `POST /orders`\n## Faults\n## Faults\n```\n# not a heading [x](nowhere.md)\n```\n[a](docs/api.md#post-orders) [b](https://example.com) `[c](code.md)`';
    expect([...anchorsOf(markdown)]).toEqual(['the-proof-npm-run-faults', 'post-orders', 'faults', 'faults-1']);
    expect(relativeLinks(markdown)).toEqual(['docs/api.md#post-orders']);
  });
});
