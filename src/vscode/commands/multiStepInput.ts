import { vscode } from '../vscodeApi';

/** Thrown inside a step when the user pressed Back. */
export class InputBack extends Error {}
/** Thrown inside a step when the user pressed Escape. */
export class InputCancelled extends Error {}
/** Thrown by a text step when the user pressed its extra button; `value` is what was typed so far. */
export class InputButtonPressed extends Error {
  constructor(readonly value: string) {
    super('input button pressed');
  }
}

export interface StepHeader {
  title: string;
  step: number;
  totalSteps: number;
}

/** One text step: resolves with the value, or throws InputBack / InputCancelled. */
export function inputStep(
  h: StepHeader,
  o: {
    prompt: string;
    placeholder?: string;
    value?: string;
    validate?: (v: string) => string | undefined;
    /** A button beside the box (e.g. "Advanced…"): pressing it rejects with {@link InputButtonPressed}. */
    extraButton?: vscode.QuickInputButton;
  },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const box = vscode.window.createInputBox();
    Object.assign(box, {
      title: h.title,
      // A single step shows no "(1/1)".
      step: h.totalSteps > 1 ? h.step : undefined,
      totalSteps: h.totalSteps > 1 ? h.totalSteps : undefined,
      prompt: o.prompt,
      placeholder: o.placeholder,
      value: o.value ?? '',
      ignoreFocusOut: true,
    });
    box.buttons = [...(h.step > 1 ? [vscode.QuickInputButtons.Back] : []), ...(o.extraButton ? [o.extraButton] : [])];
    let done = false;
    const finish = (fn: () => void) => {
      done = true;
      fn();
      box.dispose();
    };
    box.onDidChangeValue((v) => (box.validationMessage = o.validate?.(v)));
    box.onDidAccept(() => {
      const msg = o.validate?.(box.value);
      if (msg) {
        box.validationMessage = msg;
        return;
      }
      finish(() => resolve(box.value));
    });
    box.onDidTriggerButton((b) => {
      if (b === vscode.QuickInputButtons.Back) finish(() => reject(new InputBack()));
      else if (b === o.extraButton) finish(() => reject(new InputButtonPressed(box.value)));
    });
    box.onDidHide(() => !done && finish(() => reject(new InputCancelled())));
    box.show();
  });
}

/** One pick step: resolves with the picked item, or throws InputBack / InputCancelled. */
export function pickStep<T extends vscode.QuickPickItem>(
  h: StepHeader,
  o: { placeholder: string; items: readonly T[]; active?: T },
): Promise<T> {
  return new Promise((resolve, reject) => {
    const pick = vscode.window.createQuickPick<T>();
    Object.assign(pick, {
      title: h.title,
      // A single step shows no "(1/1)".
      step: h.totalSteps > 1 ? h.step : undefined,
      totalSteps: h.totalSteps > 1 ? h.totalSteps : undefined,
      placeholder: o.placeholder,
      ignoreFocusOut: true,
      matchOnDescription: true,
    });
    pick.items = o.items;
    if (o.active) pick.activeItems = [o.active];
    pick.buttons = h.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    let done = false;
    const finish = (fn: () => void) => {
      done = true;
      fn();
      pick.dispose();
    };
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item) finish(() => resolve(item));
    });
    pick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(() => reject(new InputBack())));
    pick.onDidHide(() => !done && finish(() => reject(new InputCancelled())));
    pick.show();
  });
}
