/** The patient a new draft is for: POST /api/encounters makes the patient and the encounter. */
import { useLanguage } from '../i18n/i18n.tsx';
import { apiData } from '../lib/api.ts';
import { Field } from '../components/common.tsx';

export interface PatientForm { displayName: string; birthDate: string }
export const emptyPatient: PatientForm = { displayName: '', birthDate: '' };

export function PatientFields({ value, onChange }: { value: PatientForm; onChange: (next: PatientForm) => void }) {
  const { t } = useLanguage();
  return (
    <fieldset className="patient-fields">
      <legend>{t('patient.legend')}</legend>
      <Field label={t('patient.name')}>
        {(props) => <input {...props} name="patientName" required maxLength={200} autoComplete="off" value={value.displayName} onChange={(event) => onChange({ ...value, displayName: event.target.value })} />}
      </Field>
      <Field label={t('patient.birthDate')}>
        {(props) => <input {...props} name="birthDate" type="date" value={value.birthDate} onChange={(event) => onChange({ ...value, birthDate: event.target.value })} />}
      </Field>
    </fieldset>
  );
}

/** Opens an encounter for the patient; returns its id. */
export async function openEncounter(patient: PatientForm): Promise<string> {
  const body = { patient: { displayName: patient.displayName.trim(), ...(patient.birthDate === '' ? {} : { birthDate: patient.birthDate }) } };
  const created = await apiData<{ encounter: { id: string } }>('/api/encounters', { method: 'POST', body });
  return created.encounter.id;
}
