import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';

/** `setup-<platform>.sh` when the runtime has one, else `setup.sh`. */
export async function chooseSetupScript(installDir: string, platform: string): Promise<string> {
  for (const name of [`setup-${platform}.sh`, 'setup.sh']) {
    if (await access(join(installDir, name), constants.R_OK).then(() => true, () => false)) return name;
  }
  throw new UserError(`${installDir} has neither setup-${platform}.sh nor setup.sh`, { hint: 'install without --setup, or ask the runtime maintainer to add a setup script' });
}

export interface SetupRun {
  installDir: string;
  script: string;
  name: string;
  version: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs the setup script with bash in the install folder, streaming its output; a non-zero exit is a UserError. */
export async function runSetupScript(run: SetupRun): Promise<void> {
  // Loaded here, not at the top: only --setup needs it, and it is a large module graph that every
  // other install would carry in memory.
  const { execa } = await import('execa');
  const child = execa('bash', [join(run.installDir, run.script)], {
    cwd: run.installDir,
    env: { ...run.env, RUNTIME_NAME: run.name, RUNTIME_VERSION: run.version, RUNTIME_DIR: run.installDir },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
  });
  child.stdout?.pipe(run.stdout, { end: false });
  child.stderr?.pipe(run.stderr, { end: false });
  const result = await child;
  if (result.exitCode !== 0) {
    throw new UserError(`${run.script} of ${run.name}@${run.version} failed (${result.exitCode === undefined ? result.signal ?? 'killed' : `exit code ${result.exitCode}`}); the install was rolled back`, {
      hint: 'read the script output above; fix the cause and install again',
    });
  }
}
