/** The contraindications draft's content (`Contraindications`) as the JSON Schema that edits, amendments and signatures are checked against (content-schema.ts). */
import type { JsonSchema } from '../../engine/chat-model.ts';
import { findingsSchema, keysOf, listOf, object, oneOf, text } from '../content-schema.ts';
import type { ContraindicationItem } from './index.ts';
import { kinds, severities } from './prompt.ts';

const bases = keysOf<ContraindicationItem['basis']>({ model: true, rule: true, 'model+rule': true });

export const contraindicationsContentSchema: JsonSchema = object({
  items: listOf(object({ kind: oneOf(kinds), with: text, concern: text, severity: oneOf(severities), basis: oneOf(bases), findings: findingsSchema })),
});
