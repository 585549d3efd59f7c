// Figures over every row (the spool's bytes, the mailboxes' counts): the GUI's panels ask for them
// together after each event, so each is computed once and kept until the next write.
export class RowFigures {
  private generation = 0;
  private readonly known = new Map<string, { generation: number; value: unknown }>();

  /** A write was made: every figure is computed again when next asked for. */
  invalidate(): void {
    this.generation++;
  }

  get<T>(name: string, compute: () => T): T {
    const known = this.known.get(name);
    if (known && known.generation === this.generation) return known.value as T;
    const value = compute();
    this.known.set(name, { generation: this.generation, value });
    return value;
  }
}
