import type { Metadata } from "next";

import { NewTicketRoot } from "@/components/tickets/new-ticket/new-ticket-root";

export const metadata: Metadata = { title: "New ticket" };

export default function NewTicketPage() {
  return <NewTicketRoot />;
}
