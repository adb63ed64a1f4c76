export interface ValidateExecutorSchema {
  /** Treat warnings as errors. */
  strict?: boolean;
}
