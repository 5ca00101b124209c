/**
 * The slice of FHIR R4 this layer writes: plain JSON shapes, loose enough to
 * stay small, checked against the R4 definitions in the tests.
 */
export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
}

export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}

export interface Identifier {
  system?: string;
  value?: string;
}

export interface Reference {
  reference?: string;
  identifier?: Identifier;
  display?: string;
}

export interface Meta {
  profile?: string[];
  security?: Coding[];
}

export interface Narrative {
  status: 'generated' | 'extensions' | 'additional' | 'empty';
  div: string;
}

export interface Quantity {
  value: number;
  unit: string;
  system: 'http://unitsofmeasure.org';
  code: string;
}

export interface Resource {
  resourceType: string;
  id?: string;
  meta?: Meta;
  language?: string;
  text?: Narrative;
  [element: string]: unknown;
}

export interface BundleEntry {
  fullUrl: string;
  resource: Resource;
  /** Searchset Bundles only: why the entry is there. */
  search?: { mode: 'match' | 'include' | 'outcome' };
}

export interface Bundle extends Resource {
  resourceType: 'Bundle';
  type: 'document' | 'collection' | 'searchset';
  identifier?: Identifier;
  /** Searchset Bundles only: the number of matches. */
  total?: number;
  timestamp?: string;
  entry: BundleEntry[];
}
