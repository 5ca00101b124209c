/**
 * The phrases that mark an instruction smuggled into source text, English and
 * Canadian French. Patterns run on a normalised view (lower case, accents
 * folded, leetspeak and look-alike letters undone, HTML tags blanked; see
 * text-view.ts), so they are written in plain lower-case ASCII.
 *
 * Precision comes from context, not from single words: clinical dialogue says
 * "ignore the pain", "you are now three weeks out", "from now on take it with
 * food", "don't mention it to my wife". So each pattern needs an AI-directed
 * object (instructions, system prompt, the note's status) or a look-behind that
 * drops the speaker's own plans ("I'll sign the note", "je vais signer").
 * Every repetition is bounded and word gaps are lazy over disjoint classes, so
 * no pattern can backtrack catastrophically.
 */

export type InjectionKind =
  | 'override'
  | 'system-prompt'
  | 'role'
  | 'addressed-to-ai'
  | 'sign-off'
  | 'certainty'
  | 'omission'
  | 'output-control'
  | 'template-token'
  | 'fake-turn'
  | 'boundary-marker'
  | 'encoded'
  | 'hidden-unicode';

/** Which view of the text a pattern runs on (text-view.ts). */
export type PatternView = 'phrase' | 'token' | 'letters';

export interface InjectionPattern {
  kind: InjectionKind;
  view: PatternView;
  pattern: RegExp;
}

/** Up to `n` words, lazily, without crossing a sentence end. */
const gap = (n: number): string => String.raw`(?:[^\s.!?]+\s+){0,${n}}?`;
/** Speakers describing their own plans: "i'll sign the note", "we don't document that". */
const notSpeaker = String.raw`(?<!\b(?:i|we|i'll|we'll|i'm|'ll|will|would|to|can|could|should|must|gonna|na|let\s+me|let's|you|they|he|she|usually|typically|doctor|dr)\s+)`;
const dont = String.raw`(?:do\s+not|don't|do\s+n't|dont|never|please\s+don't|please\s+do\s+not|must\s+not|mustn't|should\s+not|shouldn't)`;
const ai = String.raw`(?:ai|a\.i\.|assistant|chatbot|bot|llm|language\s+model|ai\s+(?:model|system|scribe|assistant)|medgemma|gemma|gpt|chatgpt)`;
/** AI words that never name a person in a clinic ("hey assistant" may be the medical assistant). */
const aiStrict = String.raw`(?:ai|a\.i\.|ai\s+(?:model|system|scribe|assistant)|chatbot|llm|language\s+model|medgemma|gemma|gpt|chatgpt|summari[sz]er|(?:reviewing\s+|triage\s+)?algorithm|the\s+computer)`;
const doc = String.raw`(?:note|notes|summary|draft|report|output|response|answer|record|chart|soap|documentation|ehr|emr)`;

const en: ReadonlyArray<readonly [InjectionKind, string]> = [
  ['override', String.raw`\b(?:ignore|disregard|forget|skip|override|bypass|neglect|discard|abandon|supersedes?|set\s+aside|put\s+aside|throw\s+out)\s+${gap(2)}(?:previous|prior|preceding|above|earlier|former|original|initial|existing|system|safety|developer|hidden|all|any|your|every)\b\s*${gap(3)}(?:instructions?|prompts?|rules|directives?|directions|guidelines|guardrails|constraints|programming|commands?|context|polic(?:y|ies))\b(?!\s+(?:i|we|he|she|they|that|which|from\s+(?:the\s+|your\s+|my\s+)?(?:pharmac|doctor|nurse|surgeon|clinic|hospital|label|bottle)|on\s+the\s+(?:bottle|label|box|package)|for\s+(?:the\s+|your\s+)?(?:medication|pills?|dose|prep|procedure|ultrasound|bowel)))`],
  ['override', String.raw`\b(?:ignore|disregard|forget)\s+(?:about\s+)?(?:everything|anything|all)\s+(?:(?:you\s+(?:were|have\s+been|'ve\s+been)\s+(?:told|given|instructed))|above|before\s+this|previously|written\s+above|so\s+far|in\s+your\s+(?:prompt|instructions))`],
  ['override', String.raw`\b(?:ignore|disregard)\s+(?:all\s+of\s+)?the\s+above(?=\s*(?:and|then)\b|\s*[.!:]|\s*$)`],
  ['system-prompt', String.raw`\b(?:reveal|print|show|display|repeat|output|leak|dump|expose|share|tell\s+me|give\s+me|what\s+(?:is|are|was)|disregard|ignore|forget|override|bypass|replace|change)\s+(?:me\s+)?(?:all\s+of\s+)?(?:the\s+|your\s+|this\s+)?(?:(?:full|entire|original|initial|hidden|secret|internal|exact)\s+)?(?:system\s+(?:prompt|message|instructions?)|developer\s+(?:prompt|message|instructions?)|(?:initial|hidden|secret|original)\s+(?:prompt|instructions?)|prompt\s+(?:above|instructions?))\b`],
  ['system-prompt', String.raw`\b(?:reveal|print|show|repeat|leak|what\s+are)\s+your\s+(?:instructions|rules|prompt|guidelines|configuration)\b`],
  ['system-prompt', String.raw`\bsystem\s+prompt\b|\b(?:your|the)\s+(?:hidden|secret|initial|original)\s+(?:prompt|instructions)\b`],
  ['override', String.raw`\breset\s+(?:your|the)\s+(?:context|memory|instructions|conversation|prompt|persona)\b|\bstop\s+following\s+(?:the\s+|your\s+)?(?:template|instructions|rules|prompt|system\s+prompt|guidelines)\b`],
  ['override', String.raw`\byour\s+(?:developers|creators|programmers|makers|trainers)\b`],
  ['override', String.raw`\b(?:disable|bypass|turn\s+off|remove|ignore|drop)\s+(?:all\s+)?(?:your|the)\s+(?:guardrails|guard\s+rails|filters|safety\s+(?:rules|checks|filters|layer)|safeguards)\b`],
  ['override', String.raw`\b(?:system|admin|developer|security|safety)\s+override\b|(?:^|[.!?]\s+)override\s*:`],
  ['override', String.raw`\b(?:begin|start)\s+(?:of\s+)?(?:the\s+)?(?:system|new|real|developer|hidden)\s+(?:instructions?|prompt|message)\b|\bend\s+of\s+(?:the\s+)?(?:patient\s+|source\s+)?(?:data|document|note|transcript)\b[\s\-=*#_.:;]*(?:system|begin|start|new|now|assistant)\b`],
  ['role', String.raw`\byou\s+are\s+(?:now|no\s+longer)\s+(?:(?:a|an|the|my|in|acting\s+as)\s+)?${gap(2)}(?:ai|a\.i\.|assistant|chatbot|bot|language\s+model|llm|ai\s+model|medgemma|gemma|gpt|chatgpt|dan|jailbroken|unrestricted|unfiltered|uncensored|free\s+(?:from|of)|bound\s+by|developer\s+mode|god\s+mode|evil|rogue)\b`],
  ['role', String.raw`\b(?:from\s+now\s+on|henceforth|starting\s+now|for\s+the\s+rest\s+of\s+(?:this|the)\s+(?:conversation|chat|session))\s*,?\s+(?:you|the\s+(?:ai|assistant|model))\s+(?:will\s+|must\s+|shall\s+|should\s+|are\s+to\s+|can\s+)?(?:only\s+)?(?:respond|answer|reply|act|behave|pretend|roleplay|role-play|output|ignore|obey|speak\s+as|comply|refuse|follow\s+(?:only\s+)?(?:my|these|the\s+following)\s+(?:instructions|rules|commands))\b`],
  ['role', String.raw`\b(?:act|behave|respond|answer|operate|function)\s+as\s+(?:if\s+you\s+(?:are|were)\s+)?(?:an?\s+)?${gap(2)}(?:unrestricted|unfiltered|uncensored|jailbroken|evil|dan|different\s+(?:ai|model|assistant)|ai\s+(?:with|without)|system\s+administrator|developer|bot|chatbot)\b`],
  ['role', String.raw`\b(?:respond|answer|reply|write)\s+as\s+(?:though|if)\s+you\s+(?:are|were)\b`],
  ['role', String.raw`\bnew\s+(?:persona|identity|role|character)\s*:`],
  ['role', String.raw`\b(?:pretend|imagine|suppose)\s+(?:to\s+be|(?:that\s+)?you\s+(?:are|were|have))\s+(?:an?\s+)?${gap(2)}(?:ai|assistant|chatbot|language\s+model|dan|unrestricted|unfiltered|jailbroken|evil|no\s+(?:rules|restrictions|filters|guidelines|limits)|without\s+(?:rules|restrictions|filters))\b`],
  ['role', String.raw`\b(?:jailbreak|jailbroken|jail\s+break|do\s+anything\s+now|developer\s+mode|dan\s+mode|god\s+mode|evil\s+mode|unfiltered\s+mode|sudo\s+mode|stay\s+in\s+character|anti-?dan)\b`],
  ['role', String.raw`\b(?:without|no|ignore|ignoring|bypass(?:ing)?|disable|disabling|turn\s+off)\s+(?:any\s+|all\s+|your\s+)?(?:ethical|safety|content|moral|ai|openai|google)\s+(?:guidelines|filters?|restrictions|rules|polic(?:y|ies)|guardrails|constraints|limitations|layer)\b`],
  ['role', String.raw`\bas\s+(?:the|an|a|your)\s+${ai}\s*,?\s+(?:you|i)\s+(?:must|should|will|have\s+to|need\s+to|are\s+(?:required|instructed|obliged))\b`],
  ['addressed-to-ai', String.raw`\b(?:new|real|actual|true|hidden|secret|override|system)\s+(?:instructions?|directives?|commands?|task|prompt)\s*(?:for\s+(?:the\s+)?${ai}\s*)?[:\-]`],
  ['addressed-to-ai', String.raw`\b(?:instructions?|message|note|directive)\s+(?:for|to)\s+(?:the\s+|any\s+)?(?:${ai}|model)\b`],
  ['addressed-to-ai', String.raw`\b(?:dear|hey|attention|attn|hello|hi|note\s+to|memo\s+to)\s*[,:]?\s+(?:the\s+)?${aiStrict}\b`],
  ['addressed-to-ai', String.raw`(?:^|[.!?\n][^\S\n]*|\][^\S\n]*)(?:${aiStrict}|assistant|model|bot)\s*[,:]\s+(?:please\s+)?(?:you|your|ignore|disregard|forget|write|say|state|mark|sign|output|respond|answer|do\s+not|don't|never|always|classify|pretend|act)\b`],
  ['addressed-to-ai', String.raw`\bthe\s+(?:model|ai|assistant|llm|(?:reviewing\s+|triage\s+)?algorithm|summari[sz]er)\s+(?:must|should|shall|will|is\s+(?:required|instructed))\s+(?:now\s+)?(?:classify|write|say|state|output|answer|respond|ignore|mark|sign|conclude|report|diagnose|label|treat|omit|approve)\b`],
  ['addressed-to-ai', String.raw`\b(?:to|for)\s+(?:the|any)\s+${ai}\s+(?:reading|processing|summari[sz]ing|that\s+(?:reads|processes|summari[sz]es))`],
  ['addressed-to-ai', String.raw`\b(?:to|for)\s+whatever\s+(?:reads|summari[sz]es|processes|parses)\b|\bwhen\s+you\s+(?:generate|write|produce|create|draft|summari[sz]e|process)\s+(?:the|this|your)\s+(?:summary|note|report|draft|output|response)\b`],
  ['addressed-to-ai', String.raw`\b(?:real|true|actual|hidden|secret)\s+(?:instructions?|task|directive|command)\s+(?:is|are|:)`],
  ['addressed-to-ai', String.raw`\bif\s+you\s+are\s+(?:an?\s+)?${aiStrict}\b`],
  ['sign-off', String.raw`${notSpeaker}\b(?:mark|flag|set|label|treat|consider|record|file|save|submit|finali[sz]e)\s+(?:this|the|that|my)\s+${gap(2)}(?:note|draft|report|record|chart|document|encounter|summary|entry)\s+(?:as\s+|to\s+)?(?:being\s+)?(?:signed|final|finali[sz]ed|approved|reviewed|verified|validated|authenticated|co-?signed|locked)\b`],
  // Not "finalize the note": clinicians say "hey dragon, finalize the note" to their dictation system (ACI-BENCH).
  ['sign-off', String.raw`${notSpeaker}\b(?:please\s+)?(?:sign|co-?sign|countersign|e-?sign|auto-?sign|lock)\s+(?:off\s+(?:on\s+)?)?(?:this|the)\s+${gap(2)}(?:note|draft|report|chart|summary|encounter)\b`],
  ['sign-off', String.raw`\bauto-?sign(?:ed)?\b`],
  // Not "status": FHIR resources carry "status": "final" legitimately.
  ['sign-off', String.raw`"(?:note_?status|signed|signature_?status|approved|review_?status|clinician_?review|requires_?review)"\s*:\s*(?:"(?:signed|final|approved|verified|complete|not_required|none)"|true|false)`],
  ['sign-off', String.raw`\b(?:skip|bypass|skipping|bypassing|disable|omit)\s+(?:the\s+)?(?:clinician|physician|human|manual|safety|independent)?\s*(?:review|verification|sign-?off|approval|oversight|safety\s+checks?)\b`],
  ['sign-off', String.raw`\bno\s+(?:clinician|physician|human|doctor)\s+(?:review|sign-?off|approval|verification)\s+(?:is\s+)?(?:needed|required|necessary)`],
  ['certainty', String.raw`(?<!\b(?:i|we|they|he|she|you|can't|cannot|not|never|would|could|can|might|n't)\s+)\b(?:say|state|write|report|claim|declare|assert|conclude|document|present|output)\s+(?:that\s+)?(?:the\s+|this\s+|a\s+|his\s+|her\s+)?${gap(3)}(?:diagnosis|dx|finding|findings|result|results|impression|condition|cancer|tumou?r|malignancy|fracture)\s+(?:is|are|was|as)\s+(?:\S+\s+)?(?:certain|definite|definitive|confirmed|conclusive|established|100\s*%|beyond\s+doubt|a\s+fact|fact)\b`],
  ['certainty', String.raw`\b${dont}\s+(?:use\s+|using\s+|add\s+|adding\s+|include\s+|including\s+|express\s+)?(?:any\s+)?(?:hedging|hedged\s+language|qualifiers|caveats|disclaimers|uncertainty\s+(?:language|qualifiers|statements)|words\s+like\s+["']?(?:possible|possibly|likely|may|might|suggest))\b`],
  ['certainty', String.raw`\b(?:tell|inform)\s+(?:the\s+)?(?:doctor|clinician|physician|reviewer|nurse)\s+(?:that\s+)?(?:it|this|the\s+[^\s.!?]+)\s+is\s+(?:definitely|certainly|100\s*%|confirmed)\b`],
  ['certainty', String.raw`\bwithout\s+(?:any\s+)?(?:qualifiers?|hedging|hedges|caveats|disclaimers|uncertainty\s+(?:language|qualifiers))\b`],
  ['certainty', String.raw`\b${dont}\s+hedge\s+(?:the\s+|your\s+)?(?:diagnosis|findings|answer|response|summary|language|conclusion|impression)\b`],
  ['certainty', String.raw`(?<!(?:not|n't|never|cannot)\s+)\b(?:state|say|write|diagnose|conclude|declare|report|claim|assert)\s+(?:it\s+|this\s+|that\s+)?with\s+(?:100\s*%|complete|absolute|total|full)\s+(?:certainty|confidence)`],
  ['omission', String.raw`(?<!\b(?:we|they|i|he|she|usually|typically|generally)\s+)\b${dont}\s+(?:mention|mentioning|include|including|report|reporting|record|recording|document|documenting|list|listing|write|writing|note|noting|add|adding|flag|flagging|disclose|disclosing|tell|reveal)\b(?:\s+[^\s.!?]+){0,8}?\s+(?:in|on|from|to|within)\s+(?:the|this|your|my|his|her)\s+(?:[^\s.!?]+\s+)?(?:${doc}|clinician|doctor|physician|reviewer)\b`],
  ['omission', String.raw`${notSpeaker}\b(?:omit|leave\s+out|exclude|remove|delete|hide|suppress|strip)\s+${gap(6)}(?:from|of|in)\s+(?:the|this|your)\s+(?:[^\s.!?]+\s+)?${doc}\b`],
  ['omission', String.raw`\b${dont}\s+(?:mention|say|tell|disclose|reveal)\s+(?:anything\s+)?(?:about\s+)?(?:this|these|the)\s+(?:instructions?|message|prompt|request)\b`],
  ['output-control', String.raw`${notSpeaker}\b(?:output|print|return|respond\s+with|reply\s+with|answer\s+with|emit)\s+(?:only\s+|exactly\s+|just\s+)?(?:the\s+following|this\s+exact|exactly\s+(?:the\s+following|this)|verbatim|the\s+text\s+below|(?:this|the\s+below)\s+json)\b`],
  ['output-control', String.raw`\b(?:respond|reply|answer|say)\s+(?:only|just)\s+(?:with\s+)?(?:the\s+words?|["'])`],
  ['output-control', String.raw`\b(?:write|say|type)\s+(?:exactly|verbatim|only)\s+(?:the\s+following|this|these\s+words)\b`],
  ['output-control', String.raw`\b(?:output|return|respond\s+(?:only\s+)?with|reply\s+(?:only\s+)?with|print|respond\s+in|answer\s+in)\s+(?:only\s+)?(?:the\s+following\s+|this\s+|the\s+below\s+)?json\b`],
  ['output-control', String.raw`\bmake\s+sure\s+(?:the|your|this)\s+(?:note|summary|report|draft|output)\s+(?:says|states|reads|shows|does\s+not|doesn't|omits)\b`],
  ['output-control', String.raw`\b(?:replace|overwrite|substitute)\s+(?:the\s+|your\s+)?(?:[^\s.!?]+\s+)?(?:summary|note|output|response|answer|draft|assessment)\s+with\b`],
  ['output-control', String.raw`\b(?:your|the)\s+(?:response|output|answer|reply)\s+(?:must|should)\s+(?:only\s+)?(?:be\s+(?:in\s+json|only|exactly|the\s+following|["'])|start\s+with|begin\s+with|say|contain\s+only|read\s+exactly)`],
  ['output-control', String.raw`\b(?:begin|start)\s+your\s+(?:response|answer|reply|output|summary)\s+with\b`],
];

const fr: ReadonlyArray<readonly [InjectionKind, string]> = [
  ['override', String.raw`(?<!\b(?:a|ai|as|avons|avez|ont|avait|avaient|aurait|j'ai|il|elle|on|qui)\s+)\b(?:ignore[rz]?|oublie[rz]?|neglige[rz]?|ne\s+(?:tiens|tenez)\s+(?:pas|plus)\s+compte\s+d(?:e|es|u)|(?:fais|faites)\s+abstraction\s+d(?:e|es)|passe[rz]?\s+outre\s+(?:a|aux)|contourne[rz]?)\s+(?:toutes\s+(?:les|tes|vos)|tous\s+(?:les|tes|vos)|tes|vos)\s+${gap(1)}(?:instructions?|consignes?|directives?|regles|ordres|invites?|prompts?)\b`],
  ['override', String.raw`\b(?:ignore[rz]?|oublie[rz]?|neglige[rz]?|ne\s+(?:tiens|tenez)\s+(?:pas|plus)\s+compte\s+d(?:e|es|u)|(?:fais|faites)\s+abstraction\s+d(?:e|es)|passe[rz]?\s+outre\s+(?:a|aux)|contourne[rz]?)\s+(?:les\s+|la\s+|le\s+|l'|ces\s+)?(?:instructions?|consignes?|directives?|regles|ordres|invites?|prompts?)\s+(?:precedentes?|anterieures?|ci-dessus|initiales?|du\s+systeme|systeme|d'origine|originales?|recues)\b`],
  ['override', String.raw`\bne\s+(?:tiens|tenez)\s+(?:pas|plus)\s+compte\s+de\s+(?:tout\s+)?ce\s+qui\s+(?:precede|est\s+au-dessus|a\s+ete\s+dit)`],
  ['override', String.raw`\b(?:desactive[rz]?|contourne[rz]?|ignore[rz]?|supprime[rz]?|enleve[rz]?|oublie[rz]?)\s+(?:tes|vos|les)\s+(?:garde-fous|filtres|protections|restrictions|regles\s+de\s+securite)\b`],
  ['override', String.raw`\b(?:ordre|instruction|consigne|message)s?\s+(?:du|de\s+l')\s*(?:systeme|administrateur|developpeur)\b`],
  ['override', String.raw`\boublie[rz]?\s+tout\s+(?:ce\s+qui\s+(?:precede|est\s+au-dessus)|ce\s+qu'on\s+(?:t'a|vous\s+a)\s+dit|ce\s+que\s+l'on\s+(?:t'a|vous\s+a)\s+dit)`],
  ['system-prompt', String.raw`\b(?:revele[rz]?|affiche[rz]?|montre[rz]?|donne[rz]?|repete[rz]?|imprime[rz]?|divulgue[rz]?|quel(?:le)?s?\s+(?:est|sont))\s*(?:-?moi\s+)?(?:ton|votre|le|tes|vos|les)\s+(?:prompt|invite|message|instructions?|consignes?)\s+(?:systeme|initial(?:e|es)?|cache(?:e|es)?|secret(?:e|es)?|d'origine)`],
  ['system-prompt', String.raw`\b(?:prompt|invite|message)\s+systeme\b`],
  ['role', String.raw`\b(?:tu\s+es|vous\s+etes)\s+(?:maintenant|desormais|dorenavant|a\s+present)\s+(?:(?:un|une|le|la|en)\s+)?${gap(2)}(?:ia|intelligence\s+artificielle|assistant|assistante|chatbot|robot|modele\s+de\s+langage|dan|libre\s+de|sans\s+(?:restrictions?|limites?|filtres?|regles)|mode\s+developpeur)\b`],
  ['role', String.raw`\b(?:a\s+partir\s+de\s+maintenant|desormais|dorenavant|des\s+maintenant)\s*,?\s+(?:tu|vous|l'ia|l'assistant)\s+(?:vas\s+|allez\s+|dois\s+|devez\s+)?(?:repondre|reponds|repondez|agir|agis|agissez|ignorer|ignores?|ignorez|obeir|obeis|obeissez|faire\s+semblant|jouer\s+le\s+role)\b`],
  ['role', String.raw`\b(?:fais|faites)\s+semblant\s+d'etre\b`],
  ['role', String.raw`\b(?:tu\s+dois|vous\s+devez)\s+(?:maintenant\s+|desormais\s+|dorenavant\s+)?(?:agir|te\s+comporter|vous\s+comporter|repondre|jouer)\s+comme\b`],
  ['role', String.raw`\bnouve(?:au|lle)\s+(?:personnage|role|identite|persona)\s*:`],
  ['role', String.raw`\bjoue[rz]?\s+le\s+role\s+d(?:e|'un|'une)\s+${gap(2)}(?:ia|assistant|modele|robot|ia\s+sans)`],
  ['role', String.raw`\bmode\s+(?:developpeur|dieu|sans\s+(?:filtre|restriction)s?)\b`],
  ['role', String.raw`\ben\s+tant\s+qu(?:e\s+|')(?:ia|intelligence\s+artificielle|assistant|assistante|modele(?:\s+de\s+langage)?|chatbot)\s*,?\s+(?:tu|vous)\s+(?:dois|devez|vas|allez|es\s+oblige)`],
  ['role', String.raw`\bsans\s+(?:aucune?\s+)?(?:restriction|filtre|censure|limite|regle)s?\s+(?:ethiques?|de\s+securite|morales?)`],
  ['addressed-to-ai', String.raw`\b(?:instructions?|consignes?|directives?)\s+(?:cachees?|secretes?|reelles?|veritables?|nouvelles?)\s*:`],
  ['addressed-to-ai', String.raw`\bl'(?:ia|assistant|intelligence\s+artificielle|modele)\s+(?:doit|devra|va|devrait)\s+`],
  ['addressed-to-ai', String.raw`\b(?:nouvelles?|vraies?|veritables?|reelles?|cachees?|secretes?)\s+(?:instructions?|consignes?|directives?)\s*(?:pour\s+l'(?:ia|assistant)\s*)?:`],
  ['addressed-to-ai', String.raw`\b(?:instructions?|consignes?|message)\s+(?:pour|a)\s+l'(?:ia|assistant|intelligence\s+artificielle|modele)\b`],
  ['addressed-to-ai', String.raw`\b(?:a|pour)\s+l'(?:ia|assistant|intelligence\s+artificielle)\s+qui\s+(?:lit|traite|resume)`],
  ['addressed-to-ai', String.raw`\bsi\s+(?:tu\s+es|vous\s+etes)\s+une?\s+(?:ia|intelligence\s+artificielle|assistant|modele\s+de\s+langage)\b`],
  ['sign-off', String.raw`\b(?:marque[rz]?|indique[rz]?|considere[rz]?|enregistre[rz]?|classe[rz]?|mets|mettez)\s+(?:cette|la|ma|ce|le)\s+${gap(2)}(?:note|ebauche|brouillon|rapport|dossier|compte\s+rendu|compte-rendu|document|resume)\s+(?:comme|en\s+tant\s+que|au\s+statut|en)\s+(?:[^\s.!?]+\s+)?(?:signee?|finale?|finalisee?|approuvee?|validee?|definitive?|verifiee?|verrouillee?)\b`],
  ['sign-off', String.raw`(?<!\b(?:je|nous|vais|va|allons|dois|doit|devons|peux|peut|pouvons|faut|il)\s+)\b(?:signe[rz]?|contresigne[rz]?|valide[rz]?|approuve[rz]?|finalise[rz]?)\s+(?:cette|la|ce|le)\s+${gap(2)}(?:note|ebauche|brouillon|rapport|compte\s+rendu|compte-rendu|document|resume)\b`],
  ['sign-off', String.raw`\bsans\s+(?:revision|relecture|verification|validation|approbation)\s+(?:du|d'un|par\s+(?:le|un))\s+(?:medecin|clinicien|humain)`],
  ['certainty', String.raw`(?<!\b(?:pas|ne|peux|peut|pouvons|jamais|je|nous|on)\s+)\b(?:dis|dites|dire|ecris|ecrivez|ecrire|affirme|affirmez|affirmer|indique|indiquez|declare|declarez|conclus|concluez|presente|presentez|rapporte|rapportez)\s+(?:que\s+|qu')?(?:le\s+|la\s+|ce\s+|l')?${gap(3)}(?:diagnostic|resultat|constat|impression|cancer|tumeur|fracture|maladie)\s+(?:est|etait|comme)\s+(?:[^\s.!?]+\s+)?(?:certaine?|sure?|definitif|definitive|confirmee?|etablie?|indiscutable|incontestable|un\s+fait|acquis)\b`],
  ['certainty', String.raw`\b(?:n'utilise|n'utilisez|ne\s+mets|ne\s+mettez|evite[rz]?)\s+(?:pas\s+|aucune?\s+|jamais\s+)?(?:de\s+|d')?(?:nuances?|conditionnel|incertitude|reserves?|precautions?\s+oratoires|termes?\s+comme\s+["«]?\s*(?:possible|probable))`],
  ['omission', String.raw`(?<!\b(?:je|nous|on|ils|elles?)\s+)\bne\s+(?:(?:le|la|les|l'|lui|leur|en|y)\s*)?(?:mentionne|mentionnez|mentionner|dis|dites|dire|signale|signalez|signaler|indique|indiquez|ecris|ecrivez|inclus|incluez|rapporte|rapportez|note|notez|parle|parlez|consigne|consignez)\s+(?:pas|jamais|rien|surtout\s+pas)\b(?:\s+[^\s.!?]+){0,8}?\s+(?:dans|sur|au|a\s+la|a\s+l')\s*(?:la\s+|le\s+|ce\s+|cette\s+|ton\s+|votre\s+)?(?:[^\s.!?]+\s+)?(?:note|resume|rapport|ebauche|brouillon|dossier|compte\s+rendu|compte-rendu|reponse|sortie|medecin|clinicien)\b`],
  ['omission', String.raw`\b(?:omets|omettez|omettre|retire[rz]?|supprime[rz]?|enleve[rz]?|cache[rz]?)\s+${gap(6)}(?:de|du|des|dans)\s+(?:la\s+|le\s+|ce\s+|cette\s+|l')?(?:note|resume|rapport|ebauche|brouillon|reponse)\b`],
  ['output-control', String.raw`\b(?:produis|produisez|genere|generez|renvoie|renvoyez|retourne|retournez|affiche|affichez|ecris|ecrivez|reponds|repondez|imprime|imprimez)\s+(?:uniquement\s+|seulement\s+|exactement\s+)?(?:avec\s+)?(?:le\s+json\s+suivant|ce\s+json|le\s+texte\s+suivant|exactement\s+ce\s+qui\s+suit|mot\s+pour\s+mot)`],
  ['output-control', String.raw`\b(?:reponds|repondez|ecris|ecrivez|dis|dites)\s+(?:seulement|uniquement)\s+(?:avec\s+|par\s+)?(?:le\s+mot|les\s+mots|ceci|ce\s+texte|["«])`],
  ['output-control', String.raw`\bremplace[rz]?\s+(?:le|la|ton|votre)\s+(?:resume|note|rapport|reponse|sortie)\s+par\b`],
];

// The token view is lower-cased with entities decoded ("&lt;start_of_turn&gt;" counts too).
const tokens: ReadonlyArray<readonly [InjectionKind, string]> = [
  ['template-token', String.raw`<\s*/?\s*(?:start_of_turn|end_of_turn|bos|eos|pad|unk|mask|unused\d{1,3}|start_of_image|end_of_image|think|thinking|reasoning|scratchpad)\s*>`],
  ['template-token', String.raw`<\|[a-z_-]{2,40}\|>`],
  ['template-token', String.raw`\[/?inst\]|<</?sys>>`],
  // (?<!<): start only at the first bracket of a run, or a long run of "<" costs quadratic time.
  ['boundary-marker', String.raw`(?<!<)<{2,}\s*/?\s*(?:end\s*)?source[\s_-]*data|source[\s_-]*data[^<>\n]{0,40}>{2,}`],
  ['fake-turn', String.raw`\[(?:system|assistant|ai|developer|model|bot|instructions?)\]`],
  ['fake-turn', String.raw`"role"\s*:\s*"(?:system|developer|assistant)"`],
  ['fake-turn', String.raw`(?:^|\n)[^\S\n]*#{2,}[^\S\n]*(?:system|instructions?|response|assistant|new\s+instructions?)[^\S\n]*:?[^\S\n]*(?=\n|$)`],
  ['fake-turn', String.raw`(?:^|\n|(?<![-=])[-=]{3,})[^\S\n]*(?:\[[a-z_]{2,20}\][^\S\n]*)?(?:[#>*_\[(<]{1,4}[^\S\n]*)?(?:system|assistant|developer|ai|chatgpt|gpt|medgemma|gemma)(?:[^\S\n]+(?:message|prompt|override|instructions?|note|command|update))?[^\S\n]*[\])>*_]*[^\S\n]*:[^\n]{0,200}?\b(?:you|ignore|disregard|respond|reply|answer|output|mark|sign|say|do\s+not|don't|must|instructions?|override|prompt|from\s+now)\b`],
];

// Spaced-out or punctuated words ("i g n o r e  p r e v i o u s") survive only in the letters-only view.
const letters: ReadonlyArray<readonly [InjectionKind, string]> = [
  ['override', String.raw`ignore(?:all)?(?:the)?(?:previous|prior|above|earlier|preceding|your)(?:instructions|prompts|rules)|disregard(?:all)?(?:the)?(?:previous|prior|above|your)instructions|forget(?:all)?(?:previous|prior|your)instructions|ignore[rz]?(?:toutes)?(?:les|tes|vos)(?:instructions|consignes)(?:precedentes|anterieures)`],
  ['system-prompt', String.raw`(?:reveal|print|show|repeat|disregard|ignore)(?:me)?(?:your|the)systemprompt`],
  ['role', String.raw`youarenow(?:dan|anunrestricted|jailbroken|indevelopermode)|developermode|doanythingnow`],
  ['sign-off', String.raw`mark(?:this|the)noteas(?:signed|final)|marque[rz]?(?:cette|la)notecomme(?:signee|finale)`],
  ['certainty', String.raw`saythediagnosisiscertain|dis(?:que)?lediagnosticestcertain`],
];

const compile = (view: PatternView, flags: string) => ([kind, source]: readonly [InjectionKind, string]): InjectionPattern => ({
  kind,
  view,
  pattern: new RegExp(source, flags),
});

export const injectionPatterns: readonly InjectionPattern[] = [
  ...en.map(compile('phrase', 'g')),
  ...fr.map(compile('phrase', 'g')),
  ...tokens.map(compile('token', 'g')),
  ...letters.map(compile('letters', 'g')),
];
