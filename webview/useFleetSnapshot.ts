import { useEffect, useState } from 'preact/hooks';
import { emptyFleetSnapshot } from '../src/protocol/fleet';
import { parseHostMessage, PROTOCOL_VERSION } from '../src/protocol/messages';
import { FleetSnapshotFollower, type FleetState } from './snapshotFollower';
import { renderStarted } from './renderBudget';
import type { HostApi } from './vscodeApi';

export type { FleetState } from './snapshotFollower';

/**
 * Subscribes to the host's snapshots and deltas ({@link FleetSnapshotFollower}) and answers the ready handshake,
 * saying the page takes deltas. Renders at most once per animation frame: when messages arrive faster than the
 * page can draw them, the states in between are skipped, not queued. (A page that is not shown runs no frames;
 * the newest state renders as soon as it is shown again.)
 */
export function useFleetSnapshot(host: HostApi): FleetState {
  const [state, setState] = useState<FleetState>({ rev: -1, snapshot: emptyFleetSnapshot(), received: false });
  useEffect(() => {
    const follower = new FleetSnapshotFollower(() =>
      host.postMessage({ type: 'webview/resync', protocol: PROTOCOL_VERSION }),
    );
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
      const next = m && follower.take(m);
      if (!next) return;
      newest = next;
      frame ||= requestAnimationFrame(show);
    };
    window.addEventListener('message', onMessage);
    // Only after listening: the host answers `ready` with the first snapshot at once.
    host.postMessage({ type: 'webview/ready', protocol: PROTOCOL_VERSION, deltas: true });
    return () => {
      window.removeEventListener('message', onMessage);
      cancelAnimationFrame(frame);
    };
  }, [host]);
  return state;
}
