import { obj, str } from '../cliAdapter';

/** The mode in which an agent asks before what it does, by the name agents give it (Claude Code, Gemini CLI). */
const ASKING_MODE = 'default';

/**
 * The mode a new or resumed session must be switched to so that its permission requests reach the permission
 * level, or `undefined` when it is in it already or offers no such mode. Claude Code's adapter starts in `auto`,
 * where its own classifier model decides on commands and the level never hears of them; in `default` it asks.
 */
export function askingModeSwitch(sessionResponse: unknown): string | undefined {
  const modes = obj(obj(sessionResponse)?.modes);
  if (!modes || str(modes.currentModeId) === ASKING_MODE) return undefined;
  const offered = Array.isArray(modes.availableModes) ? modes.availableModes : [];
  return offered.some((m) => str(obj(m)?.id) === ASKING_MODE) ? ASKING_MODE : undefined;
}
