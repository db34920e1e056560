"use client";

import { useEffect, useState } from "react";

import { isGatewayReachable, subscribeGateway } from "@/services/api/connectivity";

/** Says so while the browser is offline or the gateway does not answer. */
export function OfflineBanner() {
  const [online, setOnline] = useState(true);
  const [reachable, setReachable] = useState(isGatewayReachable());
  useEffect(() => {
    setOnline(navigator.onLine);
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    const unsubscribe = subscribeGateway(setReachable);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
      unsubscribe();
    };
  }, []);
  if (online && reachable) return null;
  return (
    <div role="status" className="bg-warning px-4 py-2 text-center text-sm font-medium text-primary-foreground">
      {online ? "HDMS cannot be reached right now. Retrying…" : "You are offline. Messages you send will go out when you are back."}
    </div>
  );
}
