/**
 * Re-authentication at the identity provider for a single sign-on user who
 * signs, amends or withdraws (there is no password to re-enter). The provider
 * opens in a popup, so the document and any edits stay exactly as they are in
 * this window; the popup comes back to `/?stepup=<purpose>` (the server has
 * put a single-use grant on the session) and says so on a BroadcastChannel.
 * Not through `window.opener`: a provider that sends
 * Cross-Origin-Opener-Policy severs it (and makes the popup look closed).
 */
import { apiData } from './api.ts';

export type StepUpPurpose = 'sign' | 'amend' | 'withdraw';

const channelName = 'northstation-stepup';

/** How long the clinician has to confirm at the provider. */
const waitMs = 5 * 60 * 1000;

/**
 * On the page the provider's popup returns to: tell the waiting window, then
 * close. True when this page is that return (the caller renders nothing else).
 */
export function finishStepUpPopup(): boolean {
  const purpose = new URLSearchParams(window.location.search).get('stepup');
  if (purpose === null) return false;
  const channel = new BroadcastChannel(channelName);
  channel.postMessage({ purpose });
  channel.close();
  window.close();
  return true;
}

/**
 * Opens the provider in a popup (opened at once, inside the click, so the
 * browser allows it) and resolves when the popup reports the grant for
 * `purpose`; rejects after five minutes.
 */
export async function stepUpInPopup(purpose: StepUpPurpose, messages: { blocked: string; timedOut: string }): Promise<void> {
  const popup = window.open('about:blank', 'northstation-stepup', 'popup,width=520,height=680');
  if (popup === null) throw new Error(messages.blocked);
  const channel = new BroadcastChannel(channelName);
  const granted = new Promise<void>((resolve, reject) => {
    const timer = window.setTimeout(() => {
      channel.close();
      reject(new Error(messages.timedOut));
    }, waitMs);
    channel.onmessage = (event: MessageEvent<{ purpose?: unknown }>) => {
      if (event.data.purpose !== purpose) return;
      window.clearTimeout(timer);
      channel.close();
      resolve();
    };
  });
  try {
    // With cookies: the answer sets the HttpOnly cookie that binds the provider's callback to this browser.
    const { location } = await apiData<{ location: string }>(`/api/oidc/reauth?purpose=${purpose}&client=web`, { withCookies: true });
    popup.location.href = location;
  } catch (error) {
    channel.close();
    popup.close();
    throw error;
  }
  await granted;
}
