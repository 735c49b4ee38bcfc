// Lets `node --test` import .jsx files: registers a module hook that compiles JSX with esbuild on load.
// Used only by the tests (see "test" in package.json); the app itself is bundled by build.mjs.
import { register } from 'node:module';

register('./jsx-hooks.mjs', import.meta.url);
