import { useEffect, useState } from 'preact/hooks';
import { PROTOCOL_VERSION, type HostToWebview } from '../src/protocol/messages';
import { emptyFleetSnapshot, type FleetSnapshot } from '../src/protocol/fleet';
import { getHost } from './vscodeApi';

/** Fleet dashboard root: keeps the newest snapshot and drops any that arrive out of order. */
export function App() {
  const [state, setState] = useState<{ rev: number; snapshot: FleetSnapshot }>({ rev: -1, snapshot: emptyFleetSnapshot() });
  useEffect(() => {
    const onMessage = (e: MessageEvent<HostToWebview>) => {
      const m = e.data;
      if (m?.type === 'fleet/snapshot') setState((s) => (m.rev > s.rev ? { rev: m.rev, snapshot: m.snapshot } : s));
    };
    window.addEventListener('message', onMessage);
    getHost().postMessage({ type: 'webview/ready', protocol: PROTOCOL_VERSION });
    return () => window.removeEventListener('message', onMessage);
  }, []);
  const working = state.snapshot.cards.filter((c) => c.phase === 'planning' || c.phase === 'implementing').length;
  return (
    <main class="fleet" aria-label="SpecTask fleet dashboard">
      <header class="fleet-header">
        <h1 id="fleet-title">{working} {working === 1 ? 'agent' : 'agents'} working</h1>
      </header>
      {state.snapshot.cards.length === 0 ? (
        <p class="fleet-empty">No SpecTasks are running. Create a SpecTask and start planning to see its agent here.</p>
      ) : (
        <ul class="fleet-grid">
          {state.snapshot.cards.map((c) => (
            <li key={c.taskId} class="card">
              <span class="card-number">#{c.number}</span> <span class="card-title">{c.title}</span>{' '}
              <span class="card-progress">{c.progress.done}/{c.progress.total}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
