import { readLoginShellPath } from './loginShellPath';

/**
 * The login shell's PATH, read once and in the background (cliDiscovery.ts looks for agent CLIs there). The read
 * starts a process, so it never starts inside the call that asks for it: starting a login shell was the largest
 * part of the extension's activate() (a third to a half of it in a profile, more the larger the host process),
 * and nothing needs the PATH before activation is over. Nothing starts while `mayStart` says no (an untrusted
 * workspace); the first call after it says yes reads it.
 */
export class LoginShellPathOnce {
  private value: string | undefined;
  private loaded: Promise<void> | undefined;

  constructor(
    private readonly mayStart: () => boolean,
    private readonly onLoaded: () => void,
    private readonly read: () => Promise<string | undefined> = () => readLoginShellPath(),
  ) {}

  /** The PATH read, `undefined` until it is known (or when there is none). */
  get path(): string | undefined {
    return this.value;
  }

  /** Resolves once the PATH was read (or could not be); at once while `mayStart` says no. */
  ready(): Promise<void> {
    if (!this.mayStart()) return Promise.resolve();
    this.loaded ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.read())
      .then(
        (p) => {
          this.value = p;
          this.onLoaded();
        },
        () => undefined,
      );
    return this.loaded;
  }
}
