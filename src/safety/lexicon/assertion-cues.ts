/**
 * Words that change what a sentence asserts: hedges, negations, history, family history and
 * reported speech, in English and Canadian French. Shared by the definitive-diagnosis linter and
 * the prescriptive-order guard; clinicians extend the lists here.
 *
 * Phrases are matched whole-word, case-insensitively, accents optional. Entries under `patterns`
 * are regular-expression source for what a phrase cannot say (years, "3 years ago").
 */
import type { Language } from '../finding.ts';

export interface CueList {
  phrases: Record<Language, readonly string[]>;
  patterns?: Record<Language, readonly string[]>;
}

/** Uncertainty before the diagnosis, in its clause: "possible pneumonia", "cannot exclude PE". */
export const hedgeCues: CueList = {
  phrases: {
    en: ['possible', 'possibly', 'probable', 'probably', 'likely', 'unlikely', 'suspected', 'suspect', 'suspicious', 'suspicion', 'cannot', 'can\'t', 'not excluded', 'not ruled out', 'differential', 'differentials', 'ddx', 'consider', 'considering', 'considered', 'concern', 'concerns', 'concerning', 'worrisome', 'worried', 'worry', 'rule out', 'r/o', 'query', 'questionable', 'may', 'might', 'could', 'would', 'presumed', 'presumptive', 'provisional', 'working diagnosis', 'tentative', 'suggest', 'suggests', 'suggested', 'suggestive', 'suggesting', 'vs', 'versus', 'possibility', 'evaluate for', 'evaluation for', 'assess for', 'workup for', 'work-up for', 'screen for', 'screening', 'risk of', 'at risk', 'if', 'whether', 'unclear', 'uncertain', 'to be confirmed', 'to confirm', 'pending', 'appears', 'appear', 'seems', 'seem', 'looks like', 'favor', 'favour', 'favored', 'favoured', 'maybe', 'perhaps', 'potential', 'potentially', 'doubt', 'equivocal', 'indeterminate', 'awaiting', 'raises', 'think', 'thinks', 'believe', 'feel', 'in my opinion', 'impression of'],
    fr: ['possible', 'possibles', 'possiblement', 'probable', 'probables', 'probablement', 'peu probable', 'improbable', 'suspicion', 'soupçon', 'suspecté', 'suspectée', 'suspectés', 'suspectées', 'suspect', 'suspecte', 'à exclure', 'à éliminer', 'à écarter', 'à confirmer', 'à investiguer', 'à rechercher', 'rechercher', 'r/o', 'différentiel', 'différentiels', 'ddx', 'évoque', 'évoquent', 'évoquant', 'évocateur', 'évocatrice', 'évocateurs', 'évocatrices', 'suggère', 'suggèrent', 'suggestif', 'suggestive', 'en faveur', 'pourrait', 'pourraient', 'peut-être', 'peut', 'semble', 'semblent', 'éventuel', 'éventuelle', 'hypothèse', 'exclure', 'n\'est pas exclu', 'n\'est pas exclue', 'non exclu', 'non exclue', 'vs', 'versus', 'sans doute', 'doute', 'douteux', 'douteuse', 'inquiétude', 'préoccupation', 'crainte', 'si', 'incertain', 'incertaine', 'indéterminé', 'indéterminée', 'en attente', 'envisager', 'considérer', 'à considérer', 'investiguer', 'éliminer', 'risque de', 'pense', 'crois', 'à mon avis', 'impression de'],
  },
};

/**
 * Certainty: words that insist on the assertion. They are blanked before the negation and hedge
 * tests ("no doubt" is not a negation, "without doubt" not a hedge) and swallowed by a rewrite, so
 * the hedged text carries no certainty word. French "sans doute" means "probably": it is a hedge,
 * not a certainty.
 */
export const certaintyCues: CueList = {
  phrases: {
    en: ['no doubt', 'without doubt', 'without a doubt', 'without any doubt', 'beyond doubt', 'beyond a doubt', 'beyond any doubt', 'there is no doubt that', 'there is no question that', 'no question that', 'no question', 'undoubtedly', 'doubtless', 'unquestionably', 'certainly', 'definitely', 'definitively', 'clearly', 'obviously', 'it is certain that', 'it is clear that', 'for certain', 'for sure'],
    fr: ['sans aucun doute', 'sans nul doute', 'hors de tout doute', 'il ne fait aucun doute que', 'nul doute que', 'certainement', 'indubitablement', 'assurément', 'clairement', 'définitivement', 'manifestement', 'il est certain que'],
  },
  // "confirmed", but not "not confirmed" / "non confirmé" (a trailing hedge).
  patterns: { en: ['(?<!not\\s)(?<![\\p{L}])confirmed(?![\\p{L}])'], fr: ['(?<!non\\s)(?<!pas\\s)(?<![\\p{L}])confirmée?s?(?![\\p{L}])'] },
};

/** Negation before the diagnosis, in its clause: "no evidence of", "denies", "pas de". */
export const negationCues: CueList = {
  phrases: {
    en: ['no', 'not', 'never', 'without', 'denies', 'denied', 'deny', 'denying', 'negative', 'absent', 'absence', 'free of', 'ruled out', 'rules out', 'excluded', 'excludes', 'excluding', 'neither', 'nor', 'none', 'unremarkable', 'clear of', 'fails to', 'failed to', 'lack of', 'lacks', 'resolved'],
    fr: ['pas', 'jamais', 'aucun', 'aucune', 'sans', 'ni', 'nie', 'nient', 'nié', 'niée', 'niant', 'négatif', 'négative', 'négatifs', 'négatives', 'absence', 'absent', 'absente', 'exclu', 'exclue', 'exclus', 'exclues', 'exclut', 'éliminé', 'éliminée', 'écarté', 'écartée', 'rien', 'résolu', 'résolue'],
  },
  // "doesn't", "isn't" (one word with n't); French "non" but not "non-ST elevation".
  patterns: { en: ['\\p{L}n[\'’]t(?![\\p{L}])'], fr: ['(?<![\\p{L}])non(?![\\p{L}\\-])', '(?<![\\p{L}])n[\'’]'] },
};

/** After the diagnosis, in its clause: "PE was ruled out", "pneumonia is likely", "in 2019". */
export const trailingCues: CueList = {
  phrases: {
    en: ['ruled out', 'excluded', 'unlikely', 'suspected', 'possible', 'probable', 'likely', 'questionable', 'in question', 'not confirmed', 'not excluded', 'not ruled out', 'not seen', 'not present', 'not identified', 'cannot be excluded', 'cannot be ruled out', 'can\'t be excluded', 'can\'t be ruled out', 'to be ruled out', 'to be excluded', 'to be confirmed', 'vs', 'versus', 'or', 'query', 'resolved', 'in the past', 'as a child', 'previously', 'pending', 'remote', 'negative', 'absent', 'unconfirmed', 'is a concern', 'is a consideration', 'in the differential', 'on the differential', 'last year', 'historically', 'earlier'],
    fr: ['exclu', 'exclue', 'exclus', 'exclues', 'éliminé', 'éliminée', 'écarté', 'écartée', 'peu probable', 'improbable', 'suspecté', 'suspectée', 'soupçonné', 'soupçonnée', 'possible', 'probable', 'non confirmé', 'non confirmée', 'à confirmer', 'à exclure', 'à éliminer', 'à écarter', 'n\'est pas exclu', 'n\'est pas exclue', 'ne peut être exclu', 'ne peut être exclue', 'ne peut pas être exclu', 'ne peut pas être exclue', 'vs', 'versus', 'ou', 'résolu', 'résolue', 'guéri', 'guérie', 'dans le passé', 'dans l\'enfance', 'pendant l\'enfance', 'l\'an dernier', 'l\'année dernière', 'l\'an passé', 'autrefois', 'négatif', 'négative', 'absent', 'absente', 'en attente'],
  },
  patterns: {
    en: ['\\?', '(?<![\\p{L}])(?:\\d+|a|one|two|three|four|five|six|ten|few|a few|several|many)\\s+(?:years?|months?|decades?)\\s+ago', '(?<![\\p{L}])in\\s+(?:19|20)\\d\\d', '(?<![\\p{L}])at\\s+age\\s+\\d+'],
    fr: ['\\?', '(?<![\\p{L}])il\\s+y\\s+a\\s+(?:\\S+\\s+){0,2}?(?:ans?|années?|mois)(?![\\p{L}])', '(?<![\\p{L}])en\\s+(?:19|20)\\d\\d', '(?<![\\p{L}])à\\s+l[\'’]âge\\s+de'],
  },
};

/** Past medical history, in the diagnosis's clause: "history of", "known", "antécédents de". */
export const historyCues: CueList = {
  phrases: {
    en: ['history', 'hx', 'h/o', 'pmh', 'pmhx', 'known', 'previous', 'previously', 'prior', 'remote', 'longstanding', 'long-standing', 'status post', 's/p', 'recently diagnosed', 'in the past', 'as a child', 'childhood', 'since childhood', 'last year', 'treated for', 'followed for', 'background of', 'past'],
    fr: ['antécédent', 'antécédents', 'atcd', 'atcds', 'connu', 'connue', 'connus', 'connues', 'histoire de', 'déjà', 'auparavant', 'antérieur', 'antérieure', 'ancien', 'ancienne', 'dans le passé', 'dans l\'enfance', 'pendant l\'enfance', 'l\'an dernier', 'l\'année dernière', 'l\'an passé', 'traité pour', 'traitée pour', 'suivi pour', 'suivie pour', 'statut post', 's/p', 'récemment diagnostiqué', 'récemment diagnostiquée', 'a eu', 'avait eu', 'depuis des années', 'depuis longtemps', 'depuis l\'enfance'],
  },
  patterns: {
    en: ['(?<![\\p{L}])(?:\\d+|a|one|two|three|four|five|six|ten|few|a few|several|many)\\s+(?:years?|months?|decades?)\\s+ago', '(?<![\\p{L}])(?:in|since)\\s+(?:19|20)\\d\\d', '(?<![\\p{L}])at\\s+age\\s+\\d+'],
    fr: ['(?<![\\p{L}])il\\s+y\\s+a\\s+(?:\\S+\\s+){0,2}?(?:ans?|années?|mois)(?![\\p{L}])', '(?<![\\p{L}])(?:en|depuis)\\s+(?:19|20)\\d\\d', '(?<![\\p{L}])à\\s+l[\'’]âge\\s+de'],
  },
};

/** What makes a sentence in a history section current: "History: … now has pneumonia". */
export const currentCues: CueList = {
  phrases: {
    en: ['now', 'currently', 'presently', 'at present', 'today', 'tonight', 'this morning', 'this admission', 'this visit', 'new', 'newly', 'new-onset', 'new onset'],
    fr: ['maintenant', 'actuellement', 'présentement', 'désormais', 'aujourd\'hui', 'ce matin', 'ce soir', 'nouveau', 'nouvelle', 'nouvellement'],
  },
};

/** Someone else's condition: "mother had breast cancer", "antécédents familiaux". */
export const familyCues: CueList = {
  phrases: {
    en: ['mother', 'father', 'mom', 'dad', 'sister', 'sisters', 'brother', 'brothers', 'sibling', 'siblings', 'aunt', 'uncle', 'grandmother', 'grandfather', 'grandparent', 'grandparents', 'cousin', 'son', 'daughter', 'parent', 'parents', 'family', 'fhx', 'fh', 'maternal', 'paternal', 'niece', 'nephew', 'twin', 'wife', 'husband', 'partner', 'spouse'],
    fr: ['mère', 'père', 'maman', 'papa', 'sœur', 'sœurs', 'frère', 'frères', 'tante', 'oncle', 'grand-mère', 'grand-père', 'grands-parents', 'cousin', 'cousine', 'fils', 'fille', 'parents', 'famille', 'familial', 'familiaux', 'familiale', 'maternel', 'maternelle', 'paternel', 'paternelle', 'nièce', 'neveu', 'jumeau', 'jumelle', 'conjoint', 'conjointe', 'mari', 'épouse'],
  },
};

/** Speech the note reports rather than asserts: "patient states …", "selon la patiente". */
export const reportedSpeechCues: CueList = {
  phrases: {
    en: ['states', 'stated', 'stating', 'says', 'said', 'saying', 'reports', 'reported', 'reporting', 'describes', 'described', 'believes', 'believed', 'thinks', 'thought', 'feels', 'claims', 'claimed', 'mentions', 'mentioned', 'tells', 'told', 'was told', 'were told', 'per patient', 'per the patient', 'per pt', 'per family', 'per her', 'per his', 'according to the patient', 'according to the family', 'according to her', 'according to him', 'in his words', 'in her words', 'in their words', 'quote', 'verbatim', 'worried that', 'concerned that', 'convinced'],
    fr: ['dit', 'disait', 'dire', 'rapporte', 'rapportait', 'rapporté', 'affirme', 'affirmait', 'mentionne', 'mentionné', 'déclare', 'raconte', 'croit', 'pense', 'estime', 'explique', 'signale', 'relate', 'selon', 'd\'après', 'on lui a dit', 'lui a dit', 'convaincu', 'convaincue', 'craint'],
  },
};

/**
 * In the source (transcript or record), what states a condition the patient already has:
 * "I have diabetes", "my asthma", "history of", "j'ai le diabète", "mon asthme".
 */
export const existingConditionCues: CueList = {
  phrases: {
    en: ['my', 'your', 'his', 'her', 'i have', 'i\'ve', 'i\'ve got', 'i have had', 'i had', 'i got', 'i suffer from', 'i\'m', 'i am', 'i was diagnosed with', 'i\'ve been diagnosed with', 'you have', 'you\'ve', 'he has', 'she has', 'patient has', 'history of', 'hx of', 'known', 'diagnosed with', 'pmh', 'problem list', 'condition', 'conditions', 'living with', 'i live with', 'treated for', 'on treatment for', 'for my'],
    fr: ['mon', 'ma', 'mes', 'votre', 'vos', 'ton', 'ta', 'tes', 'son', 'sa', 'ses', 'j\'ai', 'j\'ai eu', 'je suis', 'je fais', 'je souffre', 'vous avez', 'vous faites', 'tu as', 'il a', 'elle a', 'antécédents de', 'antécédent de', 'atcd', 'connu pour', 'connue pour', 'diagnostiqué', 'diagnostiquée', 'traité pour', 'traitée pour', 'pour mon', 'pour ma'],
  },
};

/** In the source, what makes a mention not support an existing condition: "I don't think I have". */
export const sourceDoubtCues: CueList = {
  phrases: {
    en: ['no', 'not', 'never', 'don\'t', 'doesn\'t', 'didn\'t', 'denies', 'without', 'might', 'maybe', 'may', 'think', 'worried', 'afraid', 'scared', 'wonder', 'whether', 'if', 'could', 'possible', 'mother', 'father', 'mom', 'dad', 'sister', 'brother', 'family', 'grandmother', 'grandfather', 'aunt', 'uncle', 'son', 'daughter', 'wife', 'husband'],
    fr: ['pas', 'jamais', 'aucun', 'aucune', 'sans', 'peut-être', 'pense', 'crains', 'peur', 'inquiet', 'inquiète', 'si', 'pourrait', 'possible', 'mère', 'père', 'maman', 'papa', 'sœur', 'frère', 'famille', 'grand-mère', 'grand-père', 'tante', 'oncle', 'fils', 'fille', 'mari', 'conjoint', 'conjointe'],
  },
};
