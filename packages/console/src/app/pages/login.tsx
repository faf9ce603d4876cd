import { useEffect, useState } from 'preact/hooks';

import type { Account, QrState } from '../api.js';
import { errorText, type PageProps } from './common.js';

const SAYS: Record<QrState['status'], string> = {
  none: 'No login under way (the bot asks for a QR code when it starts or loses its session).',
  waiting: 'Scan this code with WeChat on your phone.',
  scanned: 'Scanned: confirm the login on the phone.',
  'logged-in': 'Logged in.',
};

/** The QR code to scan, redrawn when the server replaces it, until the account is logged in. */
export function LoginPage({ api, account, events }: PageProps) {
  const [qr, setQr] = useState<QrState | undefined>();
  const [img, setImg] = useState<string | undefined>();
  const [self, setSelf] = useState<Account['self']>();
  const [error, setError] = useState('');
  useEffect(() => {
    let stopped = false;
    let url: string | undefined;
    let shown = -1;
    let busy = false;
    const drop = () => {
      if (url !== undefined) URL.revokeObjectURL(url);
      url = undefined;
      shown = -1;
      setImg(undefined);
    };
    const tick = async () => {
      if (busy) return;
      busy = true;
      try {
        const state = await api.qrStatus(account);
        if (stopped) return;
        setQr(state);
        setError('');
        if (state.status === 'waiting' || state.status === 'scanned') {
          if (state.refresh !== shown) {
            const blob = await api.qrPng(account);
            if (stopped) return;
            if (url !== undefined) URL.revokeObjectURL(url);
            url = URL.createObjectURL(blob);
            shown = state.refresh;
            setImg(url);
          }
        } else drop();
        if (state.status === 'logged-in') {
          const me = (await api.accounts()).find((a) => a.id === account);
          if (!stopped) setSelf(me?.self);
        }
      } catch (err) {
        if (!stopped) setError(errorText(err));
      } finally {
        busy = false;
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), 1000);
    const off = events.on((e) => {
      if (e.account === account && ['qr', 'scanned', 'login', 'logout'].includes(e.type)) void tick();
    });
    return () => {
      stopped = true;
      clearInterval(timer);
      off();
      if (url !== undefined) URL.revokeObjectURL(url);
    };
  }, [api, account, events]);

  return (
    <section class="page login" data-status={qr?.status ?? 'unknown'}>
      <h2>Log in {account}</h2>
      {error === '' ? null : <p class="error">{error}</p>}
      <p class="qr-status">
        {qr === undefined ? 'Asking the bot…' : SAYS[qr.status]}
        {qr?.status === 'logged-in' && self !== undefined ? <strong class="self"> {self.name}</strong> : null}
      </p>
      {img === undefined ? null : <img class="qr" src={img} alt="QR code to scan with WeChat" width={320} />}
    </section>
  );
}
