import type { CycloneDxComponent } from './types';

/** PEP 508 name, then `==` and an exact version (no wildcard): `numpy==1.26.4`. */
const PYPI_PIN = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*==\s*([0-9][0-9A-Za-z.+!_-]*)$/;
/** An explicit package URL, for pins outside PyPI and npm: `pkg:generic/temurin-jdk@21.0.10%2B7`. */
const PURL = /^pkg:([a-z][a-z0-9.+-]*)\/(?:([^@?#]+)\/)?([^/@?#]+)@([^?#\s]+)$/i;
/** npm name (optionally scoped), then `@` and an exact semver: `@types/node@20.11.0`. */
const NPM_PIN = /^(?:(@[a-z0-9][a-z0-9._~-]*)\/)?([a-z0-9][a-z0-9._~-]*)@(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?)$/;

/**
 * Pure: the component for one pinned package of a manifest. `name==1.2.3` is a PyPI package
 * (`pkg:pypi/name@1.2.3`, name lowercased with `_` → `-` as the purl spec asks), `name@1.2.3` or
 * `@scope/name@1.2.3` an npm one (`pkg:npm/%40scope/name@1.2.3`), and an explicit `pkg:…` purl is
 * taken as written (how a manifest pins a JDK or CPython tarball). Anything else (free text, ranges,
 * host copies) is kept as a component named by the raw string, without a purl: a guessed purl
 * would make scanners match advisories of a package that is not there.
 */
export function packageComponent(raw: string): CycloneDxComponent {
  const text = raw.trim();
  const explicit = PURL.exec(text);
  if (explicit) {
    const [, , namespace, name, version] = explicit;
    return {
      type: 'library', 'bom-ref': text, ...(namespace && { group: decodeURIComponent(namespace) }),
      name: decodeURIComponent(name), version: decodeURIComponent(version), purl: text,
    };
  }
  const pypi = PYPI_PIN.exec(text);
  if (pypi) {
    const name = pypi[1].toLowerCase().replace(/_/g, '-');
    const purl = `pkg:pypi/${encodeURIComponent(name)}@${encodeURIComponent(pypi[2])}`;
    return { type: 'library', 'bom-ref': purl, name, version: pypi[2], purl };
  }
  const npm = NPM_PIN.exec(text);
  if (npm) {
    const [, scope, name, version] = npm;
    const purl = `pkg:npm/${scope ? `${encodeURIComponent(scope)}/` : ''}${encodeURIComponent(name)}@${encodeURIComponent(version)}`;
    return { type: 'library', 'bom-ref': purl, ...(scope && { group: scope }), name, version, purl };
  }
  return { type: 'library', 'bom-ref': `runway:package:${text}`, name: text };
}
