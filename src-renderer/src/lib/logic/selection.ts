/**
 * Multi-select as in file managers: click selects one, ctrl/cmd-click toggles
 * one, shift-click selects the range from the anchor. Selection is kept by row
 * index of the current listing (a new query or sort clears it).
 */
export interface SelectionState {
  readonly selected: ReadonlySet<number>;
  /** The row shift-click ranges start from. */
  readonly anchor: number | null;
  /** The row with keyboard focus. */
  readonly focus: number | null;
}

export interface ClickModifiers {
  readonly shift: boolean;
  /** Ctrl on Linux/Windows, Cmd on macOS. */
  readonly toggle: boolean;
}

export const emptySelection: SelectionState = { selected: new Set(), anchor: null, focus: null };

export function clickRow(state: SelectionState, row: number, mods: ClickModifiers): SelectionState {
  if (mods.shift && state.anchor !== null) {
    const lo = Math.min(state.anchor, row);
    const hi = Math.max(state.anchor, row);
    const selected = new Set(mods.toggle ? state.selected : []);
    for (let i = lo; i <= hi; i++) selected.add(i);
    return { selected, anchor: state.anchor, focus: row };
  }
  if (mods.toggle) {
    const selected = new Set(state.selected);
    if (selected.has(row)) selected.delete(row);
    else selected.add(row);
    return { selected, anchor: row, focus: row };
  }
  return { selected: new Set([row]), anchor: row, focus: row };
}

/** Arrow keys move the focus; with shift they extend the range from the anchor. */
export function moveFocus(state: SelectionState, delta: number, rowCount: number, extend: boolean): SelectionState {
  if (rowCount <= 0) return emptySelection;
  const from = state.focus ?? (delta > 0 ? -1 : rowCount);
  const row = Math.min(rowCount - 1, Math.max(0, from + delta));
  return clickRow(state, row, { shift: extend, toggle: false });
}

export function selectAll(rowCount: number, cap = 100_000): SelectionState {
  const selected = new Set<number>();
  for (let i = 0; i < Math.min(rowCount, cap); i++) selected.add(i);
  return { selected, anchor: 0, focus: rowCount > 0 ? 0 : null };
}
