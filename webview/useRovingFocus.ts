import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { FleetAgentCard } from '../src/protocol/fleet';
import { isNavKey, type NavKey } from './cardNavigation';
import type { HostApi } from './vscodeApi';

/** The one card of a list that is in the tab order, and the list's keyboard handling. */
export interface RovingFocus {
  /** The task id of the card that takes the focus when Tab reaches the list. */
  activeId: string | undefined;
  onKeyDown(e: KeyboardEvent): void;
  onFocusIn(e: FocusEvent): void;
  /** Focus the card of `taskId` and make it the list's tab stop (it scrolls into view). */
  focusCard(taskId: string): void;
}

const cardOf = (e: Event): HTMLElement | null => (e.target as HTMLElement | null)?.closest?.('article.card') ?? null;

/**
 * Roving focus over cards (WAI-ARIA's roving tabindex): the list is one tab stop — the active card, the first
 * one until another is focused — arrows move between cards as `target` says for the layout, Enter opens the card
 * (its review when one waits, else its documents), and Tab from a card reaches its own actions. Keys pressed on
 * a card's button or link belong to that control; `onCardKey` gets the rest first (the Board's moves).
 */
export function useRovingFocus(
  cards: readonly FleetAgentCard[],
  host: HostApi,
  target: (current: string, key: NavKey) => string | undefined,
  onCardKey?: (e: KeyboardEvent, card: FleetAgentCard) => boolean,
): RovingFocus {
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const activeId = chosen !== undefined && cards.some((c) => c.taskId === chosen) ? chosen : cards[0]?.taskId;
  // A card the Board does not draw yet (far down a column) is drawn once it is the active one: focus it then.
  const pending = useRef<string | undefined>(undefined);
  const show = (taskId: string): boolean => {
    const el = document.querySelector<HTMLElement>(`article.card[data-task-id="${CSS.escape(taskId)}"]`);
    if (!el) return false;
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    return true;
  };
  useLayoutEffect(() => {
    if (pending.current !== undefined && show(pending.current)) pending.current = undefined;
  });
  const focusCard = (taskId: string) => {
    setChosen(taskId);
    pending.current = show(taskId) ? undefined : taskId;
  };
  return {
    activeId,
    focusCard,
    onFocusIn: (e) => {
      const id = cardOf(e)?.dataset.taskId;
      if (id !== undefined && id !== chosen) setChosen(id);
    },
    onKeyDown: (e) => {
      const el = cardOf(e);
      if (!el || e.target !== el) return;
      const card = cards.find((c) => c.taskId === el.dataset.taskId);
      if (!card) return;
      if (onCardKey?.(e, card)) return e.preventDefault();
      if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey) {
        e.preventDefault();
        const waits = card.phase === 'spec_review' || card.phase === 'implementation_review';
        host.postMessage({ type: 'task/action', taskId: card.taskId, action: waits ? 'review' : 'openDocs' });
        return;
      }
      if (!isNavKey(e.key) || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
      const to = target(card.taskId, e.key);
      e.preventDefault(); // at an edge too: the page does not scroll away under the focus
      if (to !== undefined) focusCard(to);
    },
  };
}
