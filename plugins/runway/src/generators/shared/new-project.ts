import type { Tree } from '@nx/devkit';
import { UserError } from '@runway/errors';
import { isValidName, isValidVersion, describeVersionProblem } from '@runway/manifest';

/** Top-level folders that hold Runway projects; a name must be free in all of them. */
const PROJECT_FOLDERS = ['runtimes', 'payloads'] as const;

/**
 * Checks that `name` and `version` follow the manifest rules and that no runtime or payload
 * already uses the name (Nx project names are unique, and a generator never overwrites).
 * Throws a `UserError` whose message says what to do, since Nx prints only the message.
 */
export function assertNewProject(tree: Tree, kind: 'runtime' | 'payload', name: string, version: string): void {
  if (!isValidName(name)) {
    throw new UserError(
      `invalid ${kind} name "${name}": use lowercase a-z, digits, "." and "-", starting with a letter or digit (e.g. python-3.12)`,
      { hint: 'pick a name such as python-3.12 or node-20' },
    );
  }
  if (!isValidVersion(version)) {
    throw new UserError(
      `invalid version "${version}": it ${describeVersionProblem(version)}; write MAJOR.MINOR.PATCH such as 1.0.0`,
      { hint: 'e.g. --version=1.0.0' },
    );
  }
  for (const folder of PROJECT_FOLDERS) {
    const root = `${folder}/${name}`;
    if (tree.exists(root)) {
      const what = folder === 'runtimes' ? 'runtime' : 'payload';
      throw new UserError(
        `${what} ${name} already exists at ${root}; choose another name or edit ${root} instead (the generator never overwrites)`,
        { hint: `edit ${root}/manifest.yaml, or generate under a new name` },
      );
    }
  }
}
