import type { RunenvImageOptions } from '@runway/release';

/** The executor's options are `publishRunenvImage`'s (documented there; schema.json lists the same keys for Nx). */
export type PublishRunenvImageExecutorSchema = RunenvImageOptions;
