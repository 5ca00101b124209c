/**
 * Allergy vocabulary. Drug allergens come from the medication lexicon; these are
 * the common non-drug ones, plus the words that introduce or deny an allergy.
 */
import { parseTable } from './table.ts';

const table = `
latex
peanut: peanuts, arachide, arachides
tree nut: tree nuts, nuts, noix
shellfish: seafood, shrimp, fruits de mer, crustacés
egg: eggs, oeuf, oeufs, œufs
milk: dairy, lait
pollen: pollens, seasonal, hay fever
dust: dust mites, poussière
cat: cats, chat, chats
dog: dogs, chien, chiens
bee sting: bee stings, bees, wasp, abeilles, piqûres d'abeille
iodine: iode
contrast: contrast dye, iv contrast, produit de contraste
adhesive: tape, adhesive tape, sparadrap
`;

export const allergenNames: readonly [string, string][] = parseTable(table);
export const allergyWords: readonly string[] = ['allergic', 'allergy', 'allergies', 'allergique', 'allergiques', 'allergie', 'allergies'];
export const noAllergyPhrases: readonly string[] = [
  'nkda', 'nka', 'no known drug allergies', 'no known allergies', 'no drug allergies', 'no known drug allergy', 'no allergies',
  'aucune allergie', 'aucune allergie connue', 'aucune allergie médicamenteuse', 'pas d\'allergie', 'pas d\'allergies',
];
