/**
 * Puts a card's buttons and links in the tab order only while it is its list's active card (roving focus: one
 * tab stop per list). A new vscode-button's first update puts back the tabindex it was constructed with, so the
 * value is set again once it has updated; `wanted` is read then, as the card may have changed meanwhile.
 */
export function syncTabStops(card: HTMLElement | null, wanted: () => boolean): void {
  const tabIndex = wanted() ? 0 : -1;
  for (const el of card?.querySelectorAll<HTMLElement>('vscode-button, a[href]') ?? []) {
    if (el.tabIndex !== tabIndex) el.tabIndex = tabIndex;
    void (el as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete?.then(() => {
      const want = wanted() ? 0 : -1;
      if (el.tabIndex !== want) el.tabIndex = want;
    });
  }
}
