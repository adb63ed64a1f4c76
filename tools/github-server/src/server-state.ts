/** How a release takes part in "latest", as `make_latest` says. */
export type MakeLatest = 'true' | 'false' | 'legacy';

/** A release as the server stores it. Tags, branches and commits live in the bare repo, not here. */
export interface StoredRelease {
  id: number;
  tagName: string;
  /** As given (a branch or a commit sha), or the default branch's name when none was given. */
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  /** The last `make_latest` given (default `true`), applied when the release is published. */
  makeLatest: MakeLatest;
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

/**
 * The releases of the one repository the server hosts, and which one is "latest". Specs may
 * inspect and seed them directly (`server.state.releases`); the routes keep the rules (one
 * published release per tag, latest selection) in `release-rules.ts`.
 */
export class ServerState {
  readonly releases: StoredRelease[] = [];
  /** The release explicitly made latest (`make_latest: true`); undefined: GitHub's legacy rule decides. */
  latestId: number | undefined;
  private lastId = 0;
  private clock = Date.parse('2025-01-01T00:00:00Z');

  constructor(readonly owner: string, readonly repo: string) {}

  /** A new unique id for releases and assets. */
  nextId(): number {
    return ++this.lastId;
  }

  /** A deterministic timestamp that advances one second per call. */
  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
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

  /** The published release of `tag` (there is at most one), ignoring release `except`. */
  publishedRelease(tag: string, except?: number): StoredRelease | undefined {
    return this.releases.find((r) => r.tagName === tag && !r.draft && r.id !== except);
  }
}
