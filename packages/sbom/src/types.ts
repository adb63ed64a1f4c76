/** A hash as CycloneDX writes it; Runway only produces SHA-256. */
export interface CycloneDxHash {
  alg: 'SHA-256';
  content: string;
}

/** A free-form name/value pair; Runway's names start with `runway:`. */
export interface CycloneDxProperty {
  name: string;
  value: string;
}

/** The subset of a CycloneDX 1.5 component that Runway writes. */
export interface CycloneDxComponent {
  type: 'application' | 'library' | 'file';
  'bom-ref': string;
  group?: string;
  name: string;
  version?: string;
  description?: string;
  hashes?: CycloneDxHash[];
  purl?: string;
  properties?: CycloneDxProperty[];
}

/** A CycloneDX 1.5 JSON document as `sbomFor` builds it (fields in the order they are written). */
export interface CycloneDxBom {
  bomFormat: 'CycloneDX';
  specVersion: '1.5';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp?: string;
    tools: { components: Array<{ type: 'application'; name: string }> };
    component: CycloneDxComponent;
  };
  components: CycloneDxComponent[];
  dependencies?: Array<{ ref: string; dependsOn: string[] }>;
}
