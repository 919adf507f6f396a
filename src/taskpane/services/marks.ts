// Marks on the page's performance timeline.
/**
 * A User Timing mark ("ailabor:refresh:<step>") on the page's timeline: the browser's profiler and bench/pane
 * (bench/README.md) attribute the page's long tasks of a refresh to its steps with them.
 */
export function refreshMark(step: string): void {
  try {
    globalThis.performance?.mark?.(`ailabor:refresh:${step}`);
  } catch {
    // no User Timing in this engine
  }
}
