import { createHash } from 'node:crypto';

/** A release as the server stores it. */
export interface StoredRelease {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  makeLatest: 'true' | 'false' | 'legacy';
  createdAt: string;
  publishedAt: string | null;
  assets: StoredAsset[];
}

/** A release asset and its bytes. */
export interface StoredAsset {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  data: Buffer;
  digest: string;
  createdAt: string;
}

/** A file in the default branch, served by the contents API. */
export interface StoredFile {
  data: Buffer;
  /** Git blob sha, as GitHub reports it (and uses as ETag). */
  sha: string;
}

/**
 * Everything the fake GitHub knows about one repository. Specs seed and inspect it directly
 * (`state.putFile('registry.json', …)`, `state.releases`); the HTTP layer only goes through these
 * methods so the rules (unique tags, fast-forward refs) live in one place.
 */
export class ServerState {
  readonly releases: StoredRelease[] = [];
  /** `tags/x` / `heads/main` → commit sha. */
  readonly refs = new Map<string, string>();
  /** Commit sha → parent sha (undefined for a root commit). */
  readonly commits = new Map<string, string | undefined>();
  readonly files = new Map<string, StoredFile>();
  private lastId = 0;
  private clock = Date.parse('2025-01-01T00:00:00Z');

  constructor(readonly owner: string, readonly repo: string, readonly defaultBranch: string) {
    this.refs.set(`heads/${defaultBranch}`, this.addCommit());
  }

  /** A new unique id for releases and assets. */
  nextId(): number {
    return ++this.lastId;
  }

  /** A deterministic timestamp that advances one second per call. */
  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Records a commit (child of `parent`, default: the default branch head; `null`: a root) and returns its sha. */
  addCommit(parent: string | null = this.refs.get(`heads/${this.defaultBranch}`) ?? null): string {
    const sha = createHash('sha1').update(`commit ${this.commits.size} ${parent ?? ''}`).digest('hex');
    this.commits.set(sha, parent ?? undefined);
    return sha;
  }

  /** Moves the default branch to a new commit and returns its sha. */
  advanceDefaultBranch(): string {
    const sha = this.addCommit();
    this.refs.set(`heads/${this.defaultBranch}`, sha);
    return sha;
  }

  /** True when `descendant` has `ancestor` in its parent chain (or is it). */
  isAncestor(ancestor: string, descendant: string): boolean {
    for (let c: string | undefined = descendant; c; c = this.commits.get(c)) if (c === ancestor) return true;
    return false;
  }

  /** A branch name or known commit sha → commit sha. */
  resolveCommitish(commitish: string): string | undefined {
    return this.refs.get(`heads/${commitish}`) ?? (this.commits.has(commitish) ? commitish : undefined);
  }

  /** Stores a file on the default branch (e.g. `registry.json`). */
  putFile(path: string, content: string | Buffer): void {
    const data = Buffer.from(content);
    const sha = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
    this.files.set(path.replace(/^\/+/, ''), { data, sha });
  }

  findRelease(id: number): StoredRelease | undefined {
    return this.releases.find((r) => r.id === id);
  }

  findAsset(id: number): { release: StoredRelease; asset: StoredAsset } | undefined {
    for (const release of this.releases) {
      const asset = release.assets.find((a) => a.id === id);
      if (asset) return { release, asset };
    }
    return undefined;
  }

  /** Creates the tag ref for a release that becomes visible, as GitHub does on publish. */
  ensureTagFor(release: StoredRelease): boolean {
    if (this.refs.has(`tags/${release.tagName}`)) return true;
    const sha = this.resolveCommitish(release.targetCommitish);
    if (!sha) return false;
    this.refs.set(`tags/${release.tagName}`, sha);
    return true;
  }
}
