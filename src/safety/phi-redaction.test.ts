import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactPhi } from './phi-redaction.ts';
import { createRedactingLogger } from './safe-logger.ts';

// [input, expected]: every PHI kind in its common EN and FR shapes, then text that must stay as it is.
const table: ReadonlyArray<readonly [string, string]> = [
  // Names
  ['Mr. John Smith presented with chest pain.', 'Mr. [NAME] presented with chest pain.'],
  ['Seen with Mrs. O’Brien-Walsh today.', 'Seen with Mrs. [NAME] today.'],
  ['Dr. Amelia K. Chen reviewed the film.', 'Dr. [NAME] reviewed the film.'],
  ['Referred by Dr Patel.', 'Referred by Dr [NAME].'],
  ['[doctor] hi , i am dr. jones .', '[doctor] hi , i am dr. [NAME] .'],
  ['Patient: Jane Doe', 'Patient: [NAME]'],
  ['Name: jean tremblay', 'Name: [NAME]'],
  ['Patient name: Doe, Jane', 'Patient name: [NAME]'],
  ['Signed by: Robert Lee', 'Signed by: [NAME]'],
  ['Jane Smith, MD', '[NAME], MD'],
  ['Reviewed by Karen B. Wong, RN.', 'Reviewed by [NAME], RN.'],
  ['[patient] my name is brian walker .', '[patient] my name is [NAME] .'],
  ["Je m'appelle Marie Gagnon.", "Je m'appelle [NAME]."],
  ['Mme Lefebvre a été vue ce matin.', 'Mme [NAME] a été vue ce matin.'],
  ['M. Jean-François Côté, 67 ans.', 'M. [NAME], 67 ans.'],
  ['Vu par la Dre Bouchard.', 'Vu par la Dre [NAME].'],
  ['Nom : Roy', 'Nom : [NAME]'],
  // Dates
  ['DOB: 1985-03-14', 'DOB: [DATE]'],
  ['Date of birth: 03/14/1985', 'Date of birth: [DATE]'],
  ['born on March 14, 1985', 'born on [DATE]'],
  ['Admitted 2023-11-02 for observation.', 'Admitted [DATE] for observation.'],
  ['Follow-up on 14/03/2024.', 'Follow-up on [DATE].'],
  ['Seen on 5/6/21.', 'Seen on [DATE].'],
  ['Surgery on the 3rd of March 2021.', 'Surgery on the [DATE].'],
  ['Last seen Jan. 5, 2022 in clinic.', 'Last seen [DATE] in clinic.'],
  ['[doctor] so on march 3rd you had the fall ?', '[doctor] so on [DATE] you had the fall ?'],
  ['Née le 12 mars 1950.', 'Née le [DATE].'],
  ['Rendez-vous le 1er juillet.', 'Rendez-vous le [DATE].'],
  ['Date de naissance : 1950-03-12', 'Date de naissance : [DATE]'],
  // Health cards
  ['OHIP 1234-567-890-AB', 'OHIP [HEALTH-CARD]'],
  ['Health card number: 1234567890', 'Health card number: [HEALTH-CARD]'],
  ['Card 1234 567 890 on file.', 'Card [HEALTH-CARD] on file.'],
  ['RAMQ: TREM 5412 2816', 'RAMQ: [HEALTH-CARD]'],
  ['NAM TREM54122816', 'NAM [HEALTH-CARD]'],
  ['BC PHN 9123 456 789', 'BC PHN [HEALTH-CARD]'],
  ['Alberta PHN: 12345-6789', 'Alberta PHN: [HEALTH-CARD]'],
  ['Manitoba PHIN 123456789', 'Manitoba PHIN [HEALTH-CARD]'],
  ['NL MCP 123456789012', 'NL MCP [HEALTH-CARD]'],
  ['PEI health number 12345678', 'PEI health number [HEALTH-CARD]'],
  ["Numéro d'assurance maladie : GAGM 6503 1512", "Numéro d'assurance maladie : [HEALTH-CARD]"],
  // Phones
  ['Call (416) 555-0199 ext. 22.', 'Call [PHONE].'],
  ['Cell: 416-555-0199', 'Cell: [PHONE]'],
  ['Reach her at +1 514 555 0123.', 'Reach her at [PHONE].'],
  ['Tél. : 819.555.0100 poste 4', 'Tél. : [PHONE]'],
  ['Phone: 555-0199', 'Phone: [PHONE]'],
  // Addresses and postal codes
  ['Lives at 123 Main St, Toronto ON M5V 2T6.', 'Lives at [ADDRESS], Toronto ON [POSTAL-CODE].'],
  ['Address: 45 rue Sainte-Catherine, Montréal H2X1Y4', 'Address: [ADDRESS], Montréal [POSTAL-CODE]'],
  ['4500 Boulevard de la Côte-Vertu', '[ADDRESS]'],
  ['[patient] i live at 22 maple street near the school .', '[patient] i live at [ADDRESS] near the school .'],
  ['Mailing: PO Box 1234, Iqaluit', 'Mailing: [ADDRESS], Iqaluit'],
  ['Apt 4: 77 King Street West', 'Apt 4: [ADDRESS] West'],
  // E-mail and ids
  ['Email jane.doe+clinic@example.ca for results.', 'Email [EMAIL] for results.'],
  ['MRN: 00123456', 'MRN: [ID]'],
  ['Medical record number 7781-22', 'Medical record number [ID]'],
  ['No de dossier : A123456', 'No de dossier : [ID]'],
  ['SIN 123-456-789', 'SIN [ID]'],
  ['Accession 20240312001 pending.', 'Accession [ID] pending.'],
  ['Patient ID: PT-99812', 'Patient ID: [ID]'],
  // Known names from the record find what patterns cannot
  ['[doctor] hi , brian . how are you ?', '[doctor] hi , [NAME] . how are you ?'],
  // Must NOT be redacted
  ['Metformin 500 mg BID.', 'Metformin 500 mg BID.'],
  ['BP 120/80, HR 72, RR 16, SpO2 98%.', 'BP 120/80, HR 72, RR 16, SpO2 98%.'],
  ['Symptoms for 2 weeks.', 'Symptoms for 2 weeks.'],
  ['ICD-10 E11.9, Type 2 diabetes mellitus.', 'ICD-10 E11.9, Type 2 diabetes mellitus.'],
  ['Seen at 14:30, vitals repeated at 15:00.', 'Seen at 14:30, vitals repeated at 15:00.'],
  ['Staging T2N1M0.', 'Staging T2N1M0.'],
  ['QRS 120 ms. Normal axis.', 'QRS 120 ms. Normal axis.'],
  ['Platelets 250000, WBC 12.3, Hb 13.5 g/dL.', 'Platelets 250000, WBC 12.3, Hb 13.5 g/dL.'],
  ['Walked 2 blocks down the road before resting.', 'Walked 2 blocks down the road before resting.'],
  ['A 45 minute drive from the clinic.', 'A 45 minute drive from the clinic.'],
  ['Had 2 head CT scans this year.', 'Had 2 head CT scans this year.'],
  ['Amoxicillin 875 mg PO q12h for 10 days.', 'Amoxicillin 875 mg PO q12h for 10 days.'],
  ['Patient: Male, 67 years old.', 'Patient: Male, 67 years old.'],
  ['Drug name: Metformin', 'Drug name: Metformin'],
  ['Mother: Diabetes, hypertension.', 'Mother: Diabetes, hypertension.'],
  ['You may take 2 tablets every 6 hours.', 'You may take 2 tablets every 6 hours.'],
  ['Chest X-ray, PA and lateral views.', 'Chest X-ray, PA and lateral views.'],
  ['Fracture de la 2e côte gauche.', 'Fracture de la 2e côte gauche.'],
  ['Glucose 7.8 mmol/L, HbA1c 6.9%.', 'Glucose 7.8 mmol/L, HbA1c 6.9%.'],
  ['NEWS2 score 5, CTAS level 2.', 'NEWS2 score 5, CTAS level 2.'],
  ['Vitamin B12 250 pmol/L.', 'Vitamin B12 250 pmol/L.'],
  ['Ratio 1:10, dilution 1/100.', 'Ratio 1:10, dilution 1/100.'],
];

for (const [input, expected] of table) {
  test(`redactPhi: ${input}`, () => {
    const result = redactPhi(input, { knownNames: ['Brian Walker'] });
    assert.equal(result.text, expected);
    for (const finding of result.findings) {
      assert.equal(finding.rule, 'phi');
      assert.equal(finding.excerpt, input.slice(finding.start, finding.end));
      assert.ok(!finding.message.includes(finding.excerpt), 'the message names the kind, never the value');
    }
  });
}

test('known names are removed in any case and as whole words only', () => {
  const result = redactPhi('BRIAN said brian’s sister Walker-Smith called; Brianna too.', { knownNames: ['Brian Walker'] });
  assert.equal(result.text, '[NAME] said [NAME]’s sister [NAME]-Smith called; Brianna too.');
  assert.equal(redactPhi('no names given', { knownNames: [] }).text, 'no names given');
});

// A record full of PHI, logged field by field, through children and events: none of it may reach a line.
const record = {
  name: 'Mr. Harold Finch',
  dob: 'DOB: 1961-07-04',
  healthCard: 'OHIP 4532-118-274-KX',
  ramq: 'RAMQ FINH 6107 0412',
  phone: 'phone (613) 555-0147',
  address: '221 Bank Street, Ottawa ON K2P 1X4',
  email: 'harold.finch@example.org',
  mrn: 'MRN: 88812345',
  note: 'Patient: Harold Finch, seen on March 3rd, 2024 by Dr. Root; lives at 221 Bank Street.',
};
const planted = ['Harold', 'Finch', '1961-07-04', '4532-118-274', 'KX', 'FINH 6107 0412', '555-0147', '613', '221 Bank', 'K2P 1X4', 'harold.finch', '88812345', 'March 3rd', 'Root'];

test('no PHI reaches the log lines of a redacting logger', () => {
  const lines: string[] = [];
  const logger = createRedactingLogger({ level: 'debug', write: (line) => lines.push(line), base: { patient: record.name }, knownNames: ['Harold Finch'] });
  logger.info('chart_opened', { ...record, count: 3, ok: true });
  logger.child({ contact: record.phone, where: record.address }).warn('contact_updated', { email: record.email, mrn: record.mrn });
  logger.error(`failed for ${record.name} ${record.dob}`, { detail: record.note });
  logger.debug('card', { card: record.healthCard, ramq: record.ramq });

  assert.equal(lines.length, 4);
  for (const line of lines) for (const value of planted) assert.ok(!line.includes(value), `a log line leaks ${value}: ${line}`);
  const first = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(first.event, 'chart_opened');
  assert.equal(first.count, 3);
  assert.equal(first.ok, true);
  assert.equal(first.dob, 'DOB: [DATE]');
  assert.equal(first.healthCard, 'OHIP [HEALTH-CARD]');
  assert.equal(first.address, '[ADDRESS], Ottawa ON [POSTAL-CODE]');
  assert.match(String(first.time), /^\d{4}-\d{2}-\d{2}T/, 'the timestamp is not mistaken for a date of birth');
});

test('adversarial input of 100k characters is redacted in linear time (no catastrophic backtracking)', () => {
  const adversarial = ['Dr. '.repeat(25_000), 'A-'.repeat(50_000), '1-'.repeat(50_000), 'a.'.repeat(50_000) + '@', '12 Main Main Main '.repeat(5000), '1/1/'.repeat(25_000)];
  for (const text of adversarial) {
    const started = performance.now();
    redactPhi(text, { knownNames: ['Jane Doe'] });
    const elapsed = performance.now() - started;
    // Linear work takes tens of milliseconds here; quadratic backtracking takes seconds to minutes.
    assert.ok(elapsed < 2000, `${JSON.stringify(text.slice(0, 12))}… took ${elapsed.toFixed(0)} ms`);
  }
});

test('short labelled ids are removed whole, and a social insurance number in any grouping', () => {
  assert.equal(redactPhi('MRN 123 seen').text, 'MRN [ID] seen');
  assert.equal(redactPhi('MRN: 12 and chart no. 7').text, 'MRN: [ID] and chart no. [ID]');
  assert.equal(redactPhi('SIN 046 454 286 on file').text, 'SIN [ID] on file');
  assert.equal(redactPhi('social insurance number: 046-454-286').text, 'social insurance number: [ID]');
  assert.equal(redactPhi('NAS 046454286.').text, 'NAS [ID].');
  assert.equal(redactPhi('numéro d\'assurance sociale 046 454 286').text, 'numéro d\'assurance sociale [ID]');
  // Not labels: "sinus", "since".
  assert.equal(redactPhi('sinus 3 cm, since 2 days').text, 'sinus 3 cm, since 2 days');
});

test('a SHA-256 in a log line is left whole', () => {
  const digests = ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'a1234567890123456789012345678901234567890123456789012345678901bc', 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'];
  for (const digest of digests) {
    assert.equal(redactPhi(`report sha256 ${digest} for model`).text, `report sha256 ${digest} for model`);
    assert.equal(redactPhi(`sha256=${digest}`).text, `sha256=${digest}`);
  }
  // A 10-digit run beside a digest is still an id.
  assert.equal(redactPhi(`${digests[0]!} 12345678`).text, `${digests[0]!} [ID]`);
});

test('the redacting logger redacts keys and identifier-length numbers; an unlabelled name is caught only through knownNames', () => {
  const lines: string[] = [];
  const logger = createRedactingLogger({ write: (line) => lines.push(line), knownNames: ['Harold Finch'] });
  logger.info('lookup', { hcn: 4532118274, count: 3, durationMs: 125, 'harold finch': 'x', note: 'seen with harold finch today', negative: -4532118274, estimatedBytes: 8807920 });
  const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  assert.match(String(line.hcn), /^\[(?:ID|PHONE)\]$/); // ten digits: the phone shape may claim it first; either way it is gone
  assert.match(String(line.negative), /^-\[(?:ID|PHONE)\]$/);
  assert.equal(line.count, 3);
  assert.equal(line.durationMs, 125);
  assert.equal(line.estimatedBytes, 8807920, 'a field named as a measurement keeps its number');
  assert.equal(line.note, 'seen with [NAME] today');
  assert.equal(line['[NAME]'], 'x');
  assert.ok(!lines[0]!.includes('4532118274') && !/harold|finch/i.test(lines[0]!), lines[0]);
  // Known gap, documented: an untitled lower-case name the record did not supply passes.
  const unlisted: string[] = [];
  createRedactingLogger({ write: (text) => unlisted.push(text) }).info('note', { note: 'seen with harold finch today' });
  assert.equal((JSON.parse(unlisted[0] ?? '{}') as { note?: string }).note, 'seen with harold finch today');
});
