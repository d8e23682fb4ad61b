// A bounded queue with typed events.
type Listener<T> = (item: T) => void;

export class BoundedQueue<T> {
  private items: T[] = [];
  private listeners: Listener<T>[] = [];

  constructor(private readonly capacity: number) {
    if (capacity <= 0) {
      throw new RangeError("capacity must be positive");
    }
  }

  push(item: T): boolean {
    if (this.items.length >= this.capacity) {
      return false;
    }
    this.items.push(item);
    this.listeners.forEach((listener) => listener(item));
    return true;
  }

  pop(): T | undefined {
    return this.items.shift();
  }

  onPush(listener: Listener<T>): void {
    this.listeners.push(listener);
  }

  get size(): number {
    return this.items.length;
  }
}
