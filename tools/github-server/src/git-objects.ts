/** A person line of a commit or tag (`author`, `committer`, `tagger`). */
export interface GitPerson {
  name: string;
  email: string;
  /** ISO 8601 in UTC, as GitHub reports it: `2025-01-01T00:00:00Z`. */
  date: string;
}

/** A parsed commit object. */
export interface ParsedCommit {
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
  /** The signature header (`gpgsig`), when the commit is signed. */
  signature?: string;
}

/** A parsed annotated tag object. */
export interface ParsedTag {
  object: string;
  type: string;
  tag: string;
  tagger: GitPerson;
  message: string;
}

function person(value: string | undefined): GitPerson {
  const m = /^(.*?) <([^>]*)> (\d+) [+-]\d{4}$/.exec(value ?? '');
  if (!m) return { name: '', email: '', date: new Date(0).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  return { name: m[1], email: m[2], date: new Date(Number(m[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
}

/** Splits a raw object into its headers (continuation lines joined) and message. */
function headersOf(raw: Buffer): { headers: Array<[string, string]>; message: string } {
  const text = raw.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const headers: Array<[string, string]> = [];
  for (const line of head.split('\n')) {
    // A header value that spans lines (a signature) continues with a leading space.
    if (line.startsWith(' ') && headers.length) headers[headers.length - 1][1] += `\n${line.slice(1)}`;
    else {
      const space = line.indexOf(' ');
      headers.push([line.slice(0, space), line.slice(space + 1)]);
    }
  }
  return { headers, message: end < 0 ? '' : text.slice(end + 2) };
}

/** Parses the raw bytes of a commit object (`git cat-file commit`). */
export function parseCommit(raw: Buffer): ParsedCommit {
  const { headers, message } = headersOf(raw);
  const get = (k: string) => headers.find(([key]) => key === k)?.[1];
  const signature = get('gpgsig') ?? get('gpgsig-sha256');
  return {
    tree: get('tree') ?? '',
    parents: headers.filter(([k]) => k === 'parent').map(([, v]) => v),
    author: person(get('author')),
    committer: person(get('committer')),
    message,
    ...(signature && { signature }),
  };
}

/** Parses the raw bytes of an annotated tag object (`git cat-file tag`). */
export function parseTag(raw: Buffer): ParsedTag {
  const { headers, message } = headersOf(raw);
  const get = (k: string) => headers.find(([key]) => key === k)?.[1] ?? '';
  return { object: get('object'), type: get('type'), tag: get('tag'), tagger: person(get('tagger')), message };
}
