/** The history-summary prompt (versioned, hashed) and the schema of one map call's answer. */
import type { ChatMessage, JsonSchema } from '../../engine/chat-model.ts';
import type { Language } from '../../safety/finding.ts';
import { containInjection, dataHandlingInstruction, type ContainedSource } from '../../safety/injection.ts';
import { definePromptTemplate } from '../prompt-template.ts';

export const sections = ['problems', 'medications', 'allergies', 'recentResults', 'encounters'] as const;
export type Section = (typeof sections)[number];

const task = {
  en:
    'You summarise part of a patient record for a clinician, who will check the summary against the record. ' +
    'Each line of the record starts with the resource reference (ResourceType/id) it came from. ' +
    'Sort what the lines say into problems (conditions), medications, allergies, recentResults (labs, vitals, reports) and encounters. ' +
    'Each item is a short phrase in plain words, with "sources": the exact references of the lines it comes from, copied character for character. ' +
    'Use only what the lines say; never add a diagnosis, a dose or a value they do not state. Leave dates out: they are added from the record. ' +
    'Items of the same kind may be merged into one item citing all their lines. Answer with JSON only.',
  fr:
    "Tu résumes une partie du dossier d'un patient pour un clinicien, qui vérifiera le résumé contre le dossier. " +
    'Chaque ligne du dossier commence par la référence de la ressource (TypeDeRessource/id) dont elle vient. ' +
    'Classe le contenu en problems (problèmes de santé), medications, allergies, recentResults (analyses, signes vitaux, rapports) et encounters (rencontres). ' +
    'Chaque élément est une courte phrase en français simple, avec "sources" : les références exactes des lignes dont il vient, copiées caractère pour caractère. ' +
    "N'utilise que ce que disent les lignes ; n'ajoute jamais un diagnostic, une dose ou une valeur qu'elles ne donnent pas. Omets les dates : elles sont ajoutées à partir du dossier. " +
    'Des éléments de même nature peuvent être regroupés en un seul qui cite toutes leurs lignes. Réponds uniquement en JSON.',
} as const;

export const historySummaryPrompt = definePromptTemplate('history-summary.map', '1', {
  'system.en': task.en,
  'system.fr': task.fr,
  'user.en': 'Summarise these record lines.',
  'user.fr': 'Résume ces lignes du dossier.',
});

/** Bounds the grammar enforces too, so an answer always ends within the token budget a backend allows for it. */
export const maxItemsPerSection = 8;
export const maxItemChars = 160;
const maxSourcesPerItem = 6;

const itemList: JsonSchema = {
  type: 'array',
  maxItems: maxItemsPerSection,
  items: {
    type: 'object',
    properties: {
      text: { type: 'string', minLength: 1, maxLength: maxItemChars },
      sources: { type: 'array', minItems: 1, maxItems: maxSourcesPerItem, items: { type: 'string', minLength: 3, maxLength: 100 } },
    },
    required: ['text', 'sources'],
    additionalProperties: false,
  },
};

export const mapSchema: JsonSchema = {
  type: 'object',
  properties: Object.fromEntries(sections.map((section) => [section, itemList])),
  required: [...sections],
  additionalProperties: false,
};

export interface MapItem {
  text: string;
  sources: string[];
}
export type MapAnswer = Record<Section, MapItem[]>;

export function systemPrompt(language: Language): string {
  return `${historySummaryPrompt.parts[`system.${language}`]}\n${dataHandlingInstruction(language)}`;
}

/** The messages of one map call; the chunk goes in as delimited FHIR data, its injection findings come back to the caller. */
export function mapMessages(chunkText: string, language: Language): { messages: ChatMessage[]; contained: ContainedSource } {
  const contained = containInjection('fhir', chunkText, { language });
  return {
    messages: [
      { role: 'system', content: systemPrompt(language) },
      { role: 'user', content: `${contained.wrappedSource}\n${historySummaryPrompt.parts[`user.${language}`]}` },
    ],
    contained,
  };
}
