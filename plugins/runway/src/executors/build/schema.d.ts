export interface BuildExecutorSchema {
  /** Folder for the tarball and its .sha256, relative to the workspace root. */
  outputPath: string;
}
