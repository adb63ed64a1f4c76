import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** A git object type. */
export type ObjectType = 'commit' | 'tag' | 'tree' | 'blob';

/** One ref of the repository, as `git for-each-ref` reports it. */
export interface RefEntry {
  /** Full name, e.g. `refs/tags/node@1.0.0`. */
  name: string;
  /** What the ref points at: a commit, or the tag object of an annotated tag. */
  sha: string;
  type: ObjectType;
  /** The commit behind the ref (an annotated tag peeled once), undefined when it is not a commit. */
  commit?: string;
  /** Committer date of that commit, seconds since the epoch. */
  commitDate?: number;
}

/** An object read from the repository. */
export interface GitObject {
  sha: string;
  type: ObjectType;
  data: Buffer;
}

/** What `BareRepo.commit` builds. */
export interface CommitInput {
  /** Files to write (path → content) or delete (`null`), on top of the parent's tree. */
  files?: Record<string, string | Buffer | null>;
  message?: string;
  /** Parent commit; default: the tip of `branch`; `null`: a root commit. */
  parent?: string | null;
  /** Branch to move to the new commit (default: the default branch); `null` moves nothing. */
  branch?: string | null;
}

/** `git` exited with a failure the caller did not expect. */
export class GitCommandError extends Error {
  constructor(readonly args: string[], readonly code: number, readonly stderr: string) {
    super(`git ${args.join(' ')} exited with ${code}: ${stderr.trim()}`);
  }
}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export const ZERO_SHA = '0'.repeat(40);
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const FULL_SHA = /^[0-9a-f]{40}$/;
const OBJECT_TYPES = new Set(['commit', 'tag', 'tree', 'blob']);
// Variables that would point git at another repository, index or object store than ours.
const LOCATING_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_COMMON_DIR', 'GIT_PREFIX'];
// Commits made by the server's helpers: a fixed identity and a clock of their own, so the same
// sequence of helper calls makes the same shas on every machine (and needs no git identity).
const IDENTITY = { GIT_AUTHOR_NAME: 'GitHub Test Server', GIT_AUTHOR_EMAIL: 'server@github-test.invalid', GIT_COMMITTER_NAME: 'GitHub Test Server', GIT_COMMITTER_EMAIL: 'server@github-test.invalid' };
const EPOCH = Date.parse('2025-01-01T00:00:00Z') / 1000;

/** The folders and files of a freshly made repository, relative to its root. */
interface RepoFiles {
  dirs: string[];
  files: Array<[string, Buffer]>;
}

// Default branch → the files of a freshly made repository, which `create` writes out.
const templates = new Map<string, Promise<RepoFiles>>();

async function buildTemplate(defaultBranch: string): Promise<RepoFiles> {
  const path = await mkdtemp(join(tmpdir(), 'github-server-template-'));
  try {
    const repo = new BareRepo(path);
    // No sample hooks: nothing to copy that the server does not need.
    await repo.git(['init', '-q', '--bare', '--template=', '-b', defaultBranch, path]);
    await repo.commit({ message: 'Initial commit', parent: null, branch: defaultBranch });
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    const rel = (e: (typeof entries)[number]) => relative(path, join(e.parentPath, e.name));
    return {
      dirs: entries.filter((e) => e.isDirectory()).map(rel),
      files: await Promise.all(entries.filter((e) => e.isFile()).map(async (e): Promise<[string, Buffer]> => [rel(e), await readFile(join(path, rel(e)))])),
    };
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}

/** True when `s` can be one line of `git cat-file --batch` input (no newline or NUL). */
function isOneLine(s: string): boolean {
  return !/[\n\r\0]/.test(s);
}

/** A full 40-hex commit or object name. */
export function isFullSha(s: string): boolean {
  return FULL_SHA.test(s);
}

/**
 * A bare git repository, driven with real `git` (argv arrays, never a shell). It is the GitHub
 * test server's only record of branches, tags, commits and files, so a `git push` to it and the
 * REST API see the same state at once. Every read goes to git: nothing is cached across calls.
 */
export class BareRepo {
  private env: NodeJS.ProcessEnv;
  private clock = 0;
  private indexCount = 0;

  constructor(readonly path: string) {
    this.env = { ...process.env };
    for (const name of LOCATING_ENV) delete this.env[name];
  }

  /**
   * Creates a bare repository in a new temp folder, HEAD on `defaultBranch`, with one empty root
   * commit (always the same sha). The first call per branch name builds it with git and keeps its
   * files in memory; later calls write those files, which is much cheaper than running git again
   * (specs start many servers) and leaves nothing behind on disk.
   */
  static async create(defaultBranch = 'main'): Promise<BareRepo> {
    let template = templates.get(defaultBranch);
    if (!template) {
      template = buildTemplate(defaultBranch);
      templates.set(defaultBranch, template);
    }
    const { dirs, files } = await template;
    const path = await mkdtemp(join(tmpdir(), 'github-server-'));
    for (const dir of dirs) await mkdir(join(path, dir), { recursive: true });
    await Promise.all(files.map(([file, data]) => writeFile(join(path, file), data)));
    const repo = new BareRepo(path);
    repo.clock = 1; // the template's commit took the first tick: later commits are strictly newer
    return repo;
  }

  /** Runs `git --git-dir=<repo> <args>`; never throws for a non-zero exit (see `git`). */
  run(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', [`--git-dir=${this.path}`, ...args], { env: { ...this.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
      // A git that exits before reading all of its input closes the pipe; that is its answer, not ours to fail on.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    });
  }

  /** Runs git and returns its stdout as text without the final newline; throws `GitCommandError` on failure. */
  async git(args: string[], opts: { input?: string | Buffer; env?: Record<string, string> } = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new GitCommandError(args, r.code, r.stderr);
    return r.stdout.toString('utf8').replace(/\n$/, '');
  }

  /** The branch HEAD names (GitHub's `default_branch`), even while it has no commit yet. */
  async defaultBranch(): Promise<string> {
    return (await this.git(['symbolic-ref', '--short', 'HEAD'])).trim();
  }

  /** Every ref under `refs/`, by full name, in one git call. */
  async refs(): Promise<Map<string, RefEntry>> {
    const format = ['%(objectname)', '%(objecttype)', '%(*objectname)', '%(*objecttype)', '%(committerdate:unix)', '%(*committerdate:unix)', '%(refname)'].join('%09');
    const out = await this.git(['for-each-ref', `--format=${format}`]);
    const refs = new Map<string, RefEntry>();
    for (const line of out ? out.split('\n') : []) {
      const [sha, type, peeledSha, peeledType, date, peeledDate, name] = line.split('\t');
      const entry: RefEntry = { name, sha, type: type as ObjectType };
      if (type === 'commit') Object.assign(entry, { commit: sha, commitDate: Number(date) });
      else if (peeledType === 'commit') Object.assign(entry, { commit: peeledSha, commitDate: Number(peeledDate) });
      refs.set(name, entry);
    }
    return refs;
  }

  /**
   * Resolves revisions (`refs/heads/main`, `<sha>^{commit}`…) in one git call; undefined for
   * each that does not name an object.
   */
  async resolve(revs: string[]): Promise<Array<{ sha: string; type: ObjectType } | undefined>> {
    const asked = revs.filter(isOneLine);
    const r = asked.length ? await this.run(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { input: asked.map((x) => `${x}\n`).join('') }) : undefined;
    const lines = r?.stdout.toString('utf8').split('\n') ?? [];
    let i = 0;
    return revs.map((rev) => {
      if (!isOneLine(rev)) return undefined;
      // A miss reads `<rev> missing`, which starts with a sha when one was asked for: trust the type.
      const [sha, type] = (lines[i++] ?? '').split(' ');
      return OBJECT_TYPES.has(type) ? { sha, type: type as ObjectType } : undefined;
    });
  }

  /** Reads objects (`<sha>`, `<rev>:<path>`…) with their type in one git call; undefined for missing ones. */
  async readObjects(revs: string[]): Promise<Array<GitObject | undefined>> {
    const asked = revs.filter(isOneLine);
    const r = asked.length ? await this.run(['cat-file', '--batch'], { input: asked.map((x) => `${x}\n`).join('') }) : undefined;
    const out = r?.stdout ?? Buffer.alloc(0);
    let at = 0;
    return revs.map((rev) => {
      if (!isOneLine(rev)) return undefined;
      const eol = out.indexOf(0x0a, at);
      const [sha, type, size] = out.subarray(at, eol).toString('utf8').split(' ');
      at = eol + 1;
      if (!OBJECT_TYPES.has(type)) return undefined;
      const data = out.subarray(at, at + Number(size));
      at += Number(size) + 1;
      return { sha, type: type as ObjectType, data };
    });
  }

  /** Reads one object if it has exactly `type` (no peeling: a tag is not a commit). */
  async readObject(sha: string, type: ObjectType): Promise<GitObject | undefined> {
    if (!isFullSha(sha)) return undefined;
    const [found] = await this.readObjects([sha]);
    return found?.type === type ? found : undefined;
  }

  /**
   * Sets `name` to `sha` only if it still holds `expected` (`undefined`: only if it does not
   * exist), atomically in git. False when the ref moved meanwhile or the object is missing.
   */
  async updateRef(name: string, sha: string, expected: string | undefined): Promise<boolean> {
    return (await this.run(['update-ref', '--no-deref', name, sha, expected ?? ZERO_SHA])).code === 0;
  }

  /** Deletes `name` only if it still holds `expected`; false when it moved or is gone. */
  async deleteRef(name: string, expected: string): Promise<boolean> {
    return (await this.run(['update-ref', '--no-deref', '-d', name, expected])).code === 0;
  }

  /** True when commit `ancestor` is `descendant` or one of its ancestors. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return (await this.run(['merge-base', '--is-ancestor', ancestor, descendant])).code === 0;
  }

  /** The object `rev` names (`refs/tags/x`, `main`, `<sha>^{commit}`…), or undefined. For specs. */
  async revParse(rev: string): Promise<string | undefined> {
    return (await this.resolve([rev]))[0]?.sha;
  }

  /**
   * Makes a commit with plumbing on a private index (no work tree): the parent's tree plus
   * `files`, a fixed identity and the repository's own clock. Moves `branch` with a
   * compare-and-swap, so a concurrent push is never overwritten. Returns the new sha. For specs:
   * seed `registry.json`, advance the default branch, make unrelated histories.
   */
  async commit(input: CommitInput = {}): Promise<string> {
    const branch = input.branch === undefined ? await this.defaultBranch() : input.branch;
    const tip = branch ? await this.revParse(`refs/heads/${branch}`) : undefined;
    const parent = input.parent === undefined ? tip : input.parent ?? undefined;
    const index = join(tmpdir(), `github-server-index-${process.pid}-${++this.indexCount}-${Date.now()}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.git(parent ? ['read-tree', parent] : ['read-tree', '--empty'], { env });
      const lines: string[] = [];
      for (const [path, content] of Object.entries(input.files ?? {})) {
        if (!isOneLine(path) || path.includes('\t')) throw new Error(`unsupported path ${JSON.stringify(path)}`);
        if (content === null) lines.push(`0 ${ZERO_SHA}\t${path}`);
        else lines.push(`100644 ${await this.git(['hash-object', '-w', '--stdin'], { input: content })}\t${path}`);
      }
      if (lines.length) await this.git(['update-index', '--index-info'], { env, input: lines.map((l) => `${l}\n`).join('') });
      const tree = await this.git(['write-tree'], { env });
      // write-tree takes git's built-in empty tree for granted without storing it; fsck (and
      // other git implementations) want the object to exist.
      if (tree === EMPTY_TREE) await this.git(['hash-object', '-w', '-t', 'tree', '--stdin'], { input: '' });
      const date = `${EPOCH + ++this.clock} +0000`;
      const sha = await this.git(['commit-tree', tree, ...(parent ? ['-p', parent] : []), '-m', input.message ?? `commit ${this.clock}`], {
        env: { ...IDENTITY, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
      if (branch && !(await this.updateRef(`refs/heads/${branch}`, sha, tip))) throw new Error(`refs/heads/${branch} moved while committing`);
      return sha;
    } finally {
      await rm(index, { force: true });
    }
  }
}
