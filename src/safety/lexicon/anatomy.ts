/**
 * Body parts that have a side, and the words for a side, English and French.
 * Laterality claims link a side word to the nearest of these in the draft.
 * "côte" (rib) is left out: accents are folded for matching and it would
 * collide with "côté" (side).
 */
import { parseTable } from './table.ts';

const bodyTable = `
knee: genou, genoux
hip: hanche
shoulder: épaule
elbow: coude
wrist: poignet
hand: main
finger: index finger, ring finger, middle finger, pinky, doigt
thumb: pouce
ankle: cheville
foot: feet, pied
toe: big toe, orteil, gros orteil
heel: talon
leg: lower leg, jambe
lower extremity: lower extremities, lower limb, membre inférieur, membres inférieurs
upper extremity: upper extremities, upper limb, membre supérieur, membres supérieurs
arm: upper arm, bras
forearm: avant-bras
thigh: cuisse
calf: calves, mollet
shin: tibia
eye: œil, oeil, yeux
ear: oreille
cheek: joue
jaw: mâchoire
temple: tempe
nostril: narine
tonsil: amygdale
chest: hemithorax, poitrine, thorax
breast: sein
lung: poumon
lobe: upper lobe, middle lobe, lower lobe, lingula, lobe supérieur, lobe moyen, lobe inférieur
base: lung bases
kidney: rein
flank: flanc
groin: aine
buttock: fesse
ovary: ovaire
testicle: testis, testicule
quadrant: lower quadrant, upper quadrant, quadrant inférieur, quadrant supérieur, fosse iliaque
carotid: carotide
tympanic membrane: eardrum, tm, tympan
side: côté
`;

const sideTable = `
left: gauche
right: droit, droite
bilateral: bilaterally, both, bilatéral, bilatérale, bilatéraux, bilatérales, bilatéralement, des deux côtés, left and right
`;

export const bodyPartNames: readonly [string, string][] = parseTable(bodyTable);
export type Side = 'left' | 'right' | 'bilateral';
export const sideNames = parseTable(sideTable) as readonly [string, Side][];
/** Plural words that stem to themselves ("feet", "genoux"); a plural body part without a side reads as both sides. */
export const irregularPlurals: ReadonlySet<string> = new Set(['feet', 'genoux', 'yeux', 'calves']);
