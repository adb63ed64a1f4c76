/** Options of `nx g @runway/nx-plugin:payload`, as in schema.json. */
export interface PayloadGeneratorSchema {
  /** Payload name; the image is runenv-<name>. */
  name: string;
  /** First version, strict MAJOR.MINOR.PATCH. Default 0.1.0. */
  version?: string;
  /** One line saying what the run environment holds. */
  description?: string;
  /** Extra image names that receive the same tags (also accepted comma-separated). */
  aliases?: string[] | string;
}
