import { useState } from "react";

interface CounterProps {
  label: string;
  start?: number;
  step?: number;
}

export function Counter({ label, start = 0, step = 1 }: CounterProps) {
  const [count, setCount] = useState(start);
  const reset = () => setCount(start);

  return (
    <div className="counter">
      <span>{label}: {count}</span>
      <button onClick={() => setCount(count + step)}>+</button>
      <button onClick={() => setCount(count - step)}>-</button>
      <button onClick={reset}>reset</button>
    </div>
  );
}

export function total(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}
