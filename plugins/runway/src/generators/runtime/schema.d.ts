/** Options of `nx g @runway/nx-plugin:runtime`, as in schema.json. */
export interface RuntimeGeneratorSchema {
  /** Runtime name: lowercase a-z, digits, '.' and '-', starting with a letter or digit. */
  name: string;
  /** First version, strict MAJOR.MINOR.PATCH. Default 1.0.0. */
  version?: string;
  /** One line saying what the runtime contains; defaults to '<name> runtime'. */
  description?: string;
  /** Platforms to support, each <os>-<arch>. Default ubuntu-amd64 and ubuntu-arm64. */
  platforms?: string[] | string;
  /** Name of an existing runtime this one builds on. */
  extends?: string;
}
