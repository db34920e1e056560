import { useState } from "react";

/**
 * False until `isOpen` is first true, then true for good. A dialog loaded on demand (next/dynamic)
 * is rendered only once this turns true: its code is fetched when it is first opened, and from
 * then on it stays mounted and behaves exactly as one that was there from the start.
 */
export function useOpenedOnce(isOpen: boolean): boolean {
  const [opened, setOpened] = useState(isOpen);
  if (isOpen && !opened) setOpened(true);
  return opened || isOpen;
}
