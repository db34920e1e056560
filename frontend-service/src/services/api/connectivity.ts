/**
 * Whether the gateway answers. A fetch that fails at the network level marks it unreachable;
 * the next answer of any kind (even a 4xx) marks it reachable again. The offline banner and
 * the socket reconnect logic read this.
 */
type Listener = (reachable: boolean) => void;

let reachable = true;
const listeners = new Set<Listener>();

export function isGatewayReachable(): boolean {
  return reachable;
}

export function setGatewayReachable(value: boolean): void {
  if (value === reachable) return;
  reachable = value;
  listeners.forEach((listener) => listener(value));
}

export function subscribeGateway(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
