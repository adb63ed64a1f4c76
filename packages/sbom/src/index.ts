export { sbomFor, serializeSbom, sbomFileName, type SbomInput, type HashedFile } from './sbom-for';
export { packageComponent } from './package-component';
export { serialNumberFor } from './serial-number';
export { readSbomSubject, type SbomSubject } from './read-sbom';
export type { CycloneDxBom, CycloneDxComponent, CycloneDxHash, CycloneDxProperty } from './types';
