import { isFullSha, type BareRepo, type RefEntry } from './bare-repo';
import { isValidRefName } from './ref-name';

/**
 * One request's view of the bare repo: the refs and HEAD are read at most once per request (one
 * git call each) and again only after the request itself changed a ref.
 */
export class RepoView {
  private refsRead?: Promise<Map<string, RefEntry>>;
  private branchRead?: Promise<string>;
  private commitsBySha = new Map<string, Promise<string | undefined>>();

  constructor(readonly repo: BareRepo) {}

  /** Every ref by full name. */
  refs(): Promise<Map<string, RefEntry>> {
    this.refsRead ??= this.repo.refs();
    return this.refsRead;
  }

  /** The branch HEAD names. */
  defaultBranch(): Promise<string> {
    this.branchRead ??= this.repo.defaultBranch();
    return this.branchRead;
  }

  /** Forgets the refs read so far: this request has just changed one. */
  changed(): void {
    this.refsRead = undefined;
  }

  /** The commit a full sha names, if the repository has it (objects never go away mid-request). */
  private commitBySha(sha: string): Promise<string | undefined> {
    if (!isFullSha(sha)) return Promise.resolve(undefined);
    let found = this.commitsBySha.get(sha);
    if (!found) {
      found = this.repo.resolve([`${sha}^{commit}`]).then(([r]) => r?.sha);
      this.commitsBySha.set(sha, found);
    }
    return found;
  }

  /** GitHub's `target_commitish`: a branch name or a full commit sha → the commit, or undefined. */
  async targetCommit(commitish: string): Promise<string | undefined> {
    if (!isValidRefName(`refs/heads/${commitish}`)) return undefined;
    return (await this.refs()).get(`refs/heads/${commitish}`)?.commit ?? this.commitBySha(commitish);
  }

  /**
   * A `ref` as the commits and contents endpoints take it: a branch, a tag, `heads/x` / `tags/x`,
   * `refs/…`, or a full sha → the commit, or undefined. Branches win over tags of the same name.
   */
  async commitOf(name: string): Promise<string | undefined> {
    if (!isValidRefName(`refs/heads/${name}`)) return undefined;
    const refs = await this.refs();
    const found = [`refs/heads/${name}`, `refs/tags/${name}`, `refs/${name}`, name].map((n) => refs.get(n)?.commit).find(Boolean);
    return found ?? this.commitBySha(name);
  }
}
