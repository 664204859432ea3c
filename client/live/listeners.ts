/**
 * A set of listeners of one kind of value. A listener that throws does not stop the
 * others nor the client: its error is rethrown on its own, where the host reports it.
 *
 * @example
 * const changes = new Listeners<number>();
 * const off = changes.add((n) => console.log(n));
 * changes.emit(1);
 * off();
 */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    // wrapped, so the same function added twice is called twice and removed once per `off`
    const entry = (value: T): void => listener(value);
    this.set.add(entry);
    return () => {
      this.set.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  clear(): void {
    this.set.clear();
  }
}
