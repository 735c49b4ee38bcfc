import type { TaskNodeArg } from '../commandIds';

/**
 * The SpecTask selected in the SpecTasks tree (a task, one of its documents or checklist items), kept while
 * the tree is visible. A command run from the palette or a keybinding takes it after the active editor and
 * the active diff, before asking (issue 22). One per window, owned by the composition root (the hub's
 * TaskResolution): the tree sets it; commands/taskPick.ts reads it.
 */
export class TreeTaskSelection {
  private selected: TaskNodeArg | undefined;
  private visible = false;

  update(selected: TaskNodeArg | undefined, visible: boolean): void {
    this.selected = selected;
    this.visible = visible;
  }

  /** The selected SpecTask, while the tree shows it. */
  current(): TaskNodeArg | undefined {
    return this.visible ? this.selected : undefined;
  }
}
