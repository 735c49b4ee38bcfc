import { useEffect, useState } from 'preact/hooks';
import { emptyFleetSnapshot, type FleetSnapshot } from '../src/protocol/fleet';
import { assertNever, parseHostMessage, PROTOCOL_VERSION } from '../src/protocol/messages';
import { renderStarted } from './renderBudget';
import type { HostApi } from './vscodeApi';

/** The newest snapshot the host sent, its revision (-1 before the first) and whether one arrived yet. */
export interface FleetState {
  rev: number;
  snapshot: FleetSnapshot;
  received: boolean;
}

/**
 * Subscribes to the host's snapshots and answers the ready handshake. A snapshot whose `rev` is not
 * newer than the one shown is dropped: messages can overtake each other, and an older complete
 * snapshot would undo a newer one. Renders at most once per animation frame: when snapshots arrive
 * faster than the page can draw them, the ones in between are skipped, not queued. (A page that is not
 * shown runs no frames; the newest snapshot renders as soon as it is shown again.)
 */
export function useFleetSnapshot(host: HostApi): FleetState {
  const [state, setState] = useState<FleetState>({ rev: -1, snapshot: emptyFleetSnapshot(), received: false });
  useEffect(() => {
    let newest: FleetState | undefined;
    let frame = 0;
    const show = () => {
      frame = 0;
      const next = newest!;
      renderStarted();
      setState((s) => (next.rev > s.rev ? next : s));
    };
    const onMessage = (e: MessageEvent) => {
      const m = parseHostMessage(e.data);
      if (!m) return;
      switch (m.type) {
        case 'fleet/snapshot':
          if (newest && m.rev <= newest.rev) return; // out of order: older than one already taken
          newest = { rev: m.rev, snapshot: m.snapshot, received: true };
          frame ||= requestAnimationFrame(show);
          return;
        default:
          assertNever(m.type);
      }
    };
    window.addEventListener('message', onMessage);
    // Only after listening: the host answers `ready` with the first snapshot at once.
    host.postMessage({ type: 'webview/ready', protocol: PROTOCOL_VERSION });
    return () => {
      window.removeEventListener('message', onMessage);
      cancelAnimationFrame(frame);
    };
  }, [host]);
  return state;
}
