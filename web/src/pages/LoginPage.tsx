import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';

/** Handle and password; the server sets an httpOnly session cookie. */
export function LoginPage() {
  const { t } = useI18n();
  const { login } = useSession();
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(handle.trim(), password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const wrong = error instanceof ApiError && error.code === 'unauthorized';
  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <form className="card login-card stack" onSubmit={(e) => void submit(e)} noValidate>
        <div className="login-brand">
          <span className="brand-mark" aria-hidden="true">
            ◢
          </span>
          <div>
            <div className="brand-name">{t('app.name')}</div>
            <div className="muted">{t('login.subtitle')}</div>
          </div>
        </div>
        <h1>{t('login.title')}</h1>
        <Field label={t('login.handle')}>{(p) => <input {...p} type="text" autoComplete="username" autoFocus value={handle} onChange={(e) => setHandle(e.target.value)} />}</Field>
        <Field label={t('login.password')}>
          {(p) => <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        {wrong ? (
          <div className="notice notice-error" role="alert">
            {t('login.failed')}
          </div>
        ) : (
          <ErrorNotice error={error} />
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
