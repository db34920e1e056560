"use client";

import { useSession } from "@/services/api/session";
import { useNotificationsSocket } from "@/services/realtime/use-notifications-socket";

/**
 * Opens the notifications socket for the signed-in user, in the app shell: pushes and
 * reconnects refresh the notification, ticket and queue queries (no screen polls). Signing out
 * clears the session, which closes the socket.
 */
export function RealtimeBridge() {
  const session = useSession();
  useNotificationsSocket({ enabled: Boolean(session.user && session.token) });
  return null;
}
