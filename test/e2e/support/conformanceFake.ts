import type * as http from 'node:http';
import { anthropicApi } from '../fakes/anthropicFake';
import { requireCredential, type Credential, type CredentialLog } from '../fakes/credentialCheck';
import { FakeServer, textOf, type FakeApi, type ScriptTurn } from '../fakes/fakeServer';
import { geminiApi } from '../fakes/geminiFake';
import { openaiApi } from '../fakes/openaiFake';

/** The wire protocol of a model API, which also fixes the agent's tool vocabulary. */
export type ApiKind = 'anthropic' | 'openai' | 'gemini';

/** One step of a phase script, written once and translated into each agent's own tools. */
export type Step = { read: string } | { write: string; content: string } | { edit: string; from: string; to: string };

/** The orchestrator's phases, recognised by the prompt that opened the current stretch of the conversation. */
export type PhaseName = 'planning' | 'revision' | 'implementation' | 'changes';

export const PHASE_PROMPTS: Record<PhaseName, RegExp> = {
  planning: /You are the planning agent|spec for SpecTask #\S+ is not complete yet/,
  revision: /requested changes to the spec of SpecTask/,
  implementation: /You are the implementation agent|SpecTask #\S+ is not finished yet/,
  changes: /requested changes to the implementation of SpecTask/,
};

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sedPattern = (s: string) => s.replace(/[\\[\]/.*^$]/g, '\\$&');
const sedReplacement = (s: string) => s.replace(/[\\&/]/g, '\\$&');

/** A step in the tool vocabulary of the agents speaking `kind` (Claude Code, Codex, Gemini CLI and their ACP forms). */
export function toolTurn(kind: ApiKind, step: Step): ScriptTurn {
  if ('read' in step) {
    if (kind === 'anthropic') return { tool: { name: 'Read', input: { file_path: step.read } } };
    if (kind === 'gemini') return { tool: { name: 'read_file', input: { file_path: step.read } } };
    return { tool: { name: 'exec_command', input: { cmd: `cat ${quote(step.read)}` } } };
  }
  if ('write' in step) {
    if (kind === 'anthropic')
      return { tool: { name: 'Write', input: { file_path: step.write, content: step.content } } };
    if (kind === 'gemini')
      return { tool: { name: 'write_file', input: { file_path: step.write, content: step.content } } };
    const lines = step.content.replace(/\n$/, '').split('\n').map(quote).join(' ');
    return { tool: { name: 'exec_command', input: { cmd: `printf '%s\\n' ${lines} > ${quote(step.write)}` } } };
  }
  const input = { file_path: step.edit, old_string: step.from, new_string: step.to };
  if (kind === 'anthropic') return { tool: { name: 'Edit', input } };
  if (kind === 'gemini') return { tool: { name: 'replace', input: { ...input, instruction: 'as asked' } } };
  const sed = `s/${sedPattern(step.from)}/${sedReplacement(step.to)}/`;
  return { tool: { name: 'exec_command', input: { cmd: `sed -i ${quote(sed)} ${quote(step.edit)}` } } };
}

/** A request outside the agent's conversation: no tools offered (or gemini's non-streaming side calls). */
function isSideRequest(kind: ApiKind, req: http.IncomingMessage, body: unknown): boolean {
  if (kind === 'gemini' && !(req.url ?? '').includes(':streamGenerateContent')) return true;
  const tools = ((body ?? {}) as { tools?: unknown[] }).tools;
  return !Array.isArray(tools) || tools.length === 0;
}

interface Conversation {
  /** Texts of the user's text entries, oldest first, with how many model turns followed each. */
  prompts: { text: string; turnsAfter: number }[];
}

/** The user prompts of a request body and the model turns after each, in each API's shape. */
function conversation(kind: ApiKind, body: unknown): Conversation {
  const prompts: Conversation['prompts'] = [];
  const b = (body ?? {}) as Record<string, unknown>;
  // Every text after a prompt counts the turns after it too (a prompt may share its message with reminders).
  const push = (text: string) => prompts.push({ text, turnsAfter: 0 });
  const turn = () => prompts.forEach((p) => p.turnsAfter++);
  if (kind === 'anthropic') {
    for (const m of (b.messages ?? []) as { role: string; content: unknown }[]) {
      if (m.role === 'assistant') turn();
      else if (typeof m.content === 'string') push(m.content);
      else if (Array.isArray(m.content))
        for (const c of m.content as { type?: string; text?: string }[]) if (c.type === 'text') push(c.text ?? '');
    }
  } else if (kind === 'openai') {
    for (const i of (b.input ?? []) as { type?: string; role?: string; content?: unknown }[]) {
      if (typeof i.type === 'string' && i.type.endsWith('_call_output')) turn();
      else if (i.role === 'user') push(textOf(i.content));
    }
  } else {
    for (const c of (b.contents ?? []) as { role?: string; parts?: { text?: string }[] }[]) {
      if (c.role === 'model') turn();
      else for (const p of c.parts ?? []) if (typeof p.text === 'string') push(p.text);
    }
  }
  return { prompts };
}

/** What the test sees of the fake: the phase requests that arrived, and a switch for hanging implementations. */
export interface PhasedFake {
  server: FakeServer;
  credentials: CredentialLog;
  /** Phases asked for so far (first turns only), in order. */
  phasesAsked: PhaseName[];
  /** While set, an implementation's first turn is never answered (the agent waits: a signal can stop it). */
  hangImplementation: boolean;
  /** Resolves when the next implementation request is being held. */
  nextHang(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A model API fake for whole SpecTask workflows, for any of the three wire protocols: each request is answered
 * from the script of the phase whose prompt last opened the conversation, at the index = model turns since that
 * prompt, so a resumed session and a fresh one get the same answers (the phase sequence runs across separate
 * `spectask run` invocations). Only `accept` authenticates. Test fixture only.
 */
export async function startPhasedFake(
  kind: ApiKind,
  dir: string,
  accept: Credential,
  scripts: Record<PhaseName, Step[]>,
): Promise<PhasedFake> {
  const base: FakeApi = { anthropic: anthropicApi, openai: openaiApi, gemini: geminiApi }[kind];
  let hangWaiters: (() => void)[] = [];
  const state = {
    phasesAsked: [] as PhaseName[],
    hangImplementation: false,
  };
  const phased: FakeApi = {
    handle(req: http.IncomingMessage, body: unknown, res: http.ServerResponse, ctx) {
      const { prompts } = conversation(kind, body);
      let phase: PhaseName | undefined;
      let index = 0;
      for (let i = prompts.length - 1; i >= 0 && !phase; i--) {
        phase = (Object.keys(PHASE_PROMPTS) as PhaseName[]).find((p) => PHASE_PROMPTS[p].test(prompts[i].text));
        index = prompts[i].turnsAfter;
      }
      const steps = phase ? scripts[phase] : [];
      let turn: ScriptTurn = index < steps.length ? toolTurn(kind, steps[index]) : { text: 'Done.' };
      if (phase && index === 0) state.phasesAsked.push(phase);
      // Side requests (titles, gemini's routing classifier) carry the prompt too: only the conversation's own
      // request is held, so the signal always comes while the agent waits for its first answer.
      if (phase === 'implementation' && index === 0 && state.hangImplementation && !isSideRequest(kind, req, body)) {
        turn = { hang: true };
        for (const w of hangWaiters.splice(0)) w();
      }
      if (!phase) turn = { text: 'No script for this prompt.' };
      return base.handle(req, body, res, { turn: () => turn, log: ctx.log });
    },
  };
  const checked = requireCredential(phased, accept);
  const server = await FakeServer.start(checked.api, dir, kind);
  return {
    server,
    credentials: checked.log,
    get phasesAsked() {
      return state.phasesAsked;
    },
    get hangImplementation() {
      return state.hangImplementation;
    },
    set hangImplementation(v: boolean) {
      state.hangImplementation = v;
    },
    nextHang: () => new Promise<void>((resolve) => hangWaiters.push(resolve)),
    close: async () => {
      hangWaiters = [];
      await server.close();
    },
  };
}
