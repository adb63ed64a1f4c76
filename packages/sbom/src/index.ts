export { sbomFor, serializeSbom, sbomFileName, bomHeader, type SbomInput, type HashedFile, type BomSubject } from './sbom-for';
export { environmentSbomFor, environmentSbomFileName, type EnvironmentSbomInput } from './environment-sbom';
export { packageComponent } from './package-component';
export { serialNumberFor } from './serial-number';
export { readSbomSubject, type SbomSubject } from './read-sbom';
export type { CycloneDxBom, CycloneDxComponent, CycloneDxHash, CycloneDxProperty } from './types';
