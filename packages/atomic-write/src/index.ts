export { writeFileAtomically, writeTextAtomically, type AtomicWriteOptions } from './write-file-atomically';
export { mapFsError } from './map-fs-error';
