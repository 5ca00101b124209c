import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { finishStepUpPopup } from './lib/step-up.ts';
import { translator } from './i18n/i18n.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element in index.html');
// The identity provider's popup, back with a step-up grant: it reports and closes (a browser that keeps it open shows why).
if (finishStepUpPopup()) {
  const language = navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
  root.textContent = translator(language)('reauth.popupDone');
} else createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
