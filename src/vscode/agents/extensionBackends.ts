import { BUILTIN_BACKENDS } from '../../core/agents/builtinBackends';
import { VSCODE_LM_BACKEND } from './vscodeLmBackend';

/** Every back-end the extension offers: the built-in ones and the VS Code LM back-end, in display order. */
export const EXTENSION_BACKENDS = BUILTIN_BACKENDS.with(VSCODE_LM_BACKEND);
