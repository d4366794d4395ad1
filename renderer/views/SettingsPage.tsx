// Settings: the form on the left; what to register in JumpCloud and how, on the right.
import { useApp } from '../context.ts';
import { SettingsFormView } from './SettingsForm.tsx';
import { RegisterPanel } from './RegisterPanel.tsx';

export function SettingsPage() {
  const settings = useApp((s) => s.settings);
  return (
    <section className="view" aria-labelledby="settings-title">
      <div className="view-head">
        <h1 id="settings-title">Settings</h1>
        <p className="muted">Single sign-on with your identity provider, who may enter, and where tunnels are served.</p>
      </div>
      <div className="settings-layout">
        <SettingsFormView settings={settings} />
        <RegisterPanel />
      </div>
    </section>
  );
}
