/**
 * Which elements are on screen, from one shared IntersectionObserver. Asking costs nothing, unlike
 * measuring, which forces a layout. Tracked elements also carry a `data-offscreen` attribute while out
 * of view, so CSS can stop their endless animations (each one is a compositor layer to maintain).
 */
const hidden = new WeakSet<Element>();
const onShow = new WeakMap<Element, () => void>();
let observer: IntersectionObserver | undefined;

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      e.target.toggleAttribute('data-offscreen', !e.isIntersecting);
      if (e.isIntersecting) {
        const wasHidden = hidden.delete(e.target);
        if (wasHidden) onShow.get(e.target)?.();
      } else hidden.add(e.target);
    }
  });
  return observer;
}

/** Start tracking `el`, calling `shown` whenever it scrolls into view; returns the function that stops it. */
export function trackOnScreen(el: Element, shown?: () => void): () => void {
  if (shown) onShow.set(el, shown);
  shared().observe(el);
  return () => {
    shared().unobserve(el);
    hidden.delete(el);
    onShow.delete(el);
  };
}

/** Whether `el` was on screen at the observer's last report; true until the first report arrives. */
export const isOnScreen = (el: Element): boolean => !hidden.has(el);
