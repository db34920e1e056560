import type { Metadata } from "next";

import { TicketPageRoot } from "@/components/tickets/ticket-page/ticket-page-root";

export const metadata: Metadata = { title: "Ticket" };

export default function TicketViewPage() {
  return <TicketPageRoot />;
}
