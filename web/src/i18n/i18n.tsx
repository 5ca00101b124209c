/**
 * English and French, everywhere in the UI. `t(key)` reads the active
 * language's table; the French table must have every English key (checked by
 * the type of `fr`), so a missing translation fails the type-check, not a ward.
 * The choice is stored per user on the server (PUT /api/me/preferences).
 */
import { createContext, useContext } from 'react';
import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';
import type { Language } from '../lib/types.ts';

export type { MessageKey } from './en.ts';

const tables: Record<Language, Record<MessageKey, string>> = { en, fr };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const table = tables[language];
  return (key, params) => {
    const template = table[key];
    if (params === undefined) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

export interface LanguageState {
  language: Language;
  t: Translate;
  setLanguage: (language: Language) => void;
}

export const LanguageContext = createContext<LanguageState>({ language: 'en', t: translator('en'), setLanguage: () => undefined });

export function useT(): Translate {
  return useContext(LanguageContext).t;
}

export function useLanguage(): LanguageState {
  return useContext(LanguageContext);
}
