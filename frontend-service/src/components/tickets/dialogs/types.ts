import type { Ticket } from "@/services/api/types";

/** What every transition dialog receives: it is controlled by the page. */
export type TransitionDialogProps = {
  ticket: Ticket;
  isOpen: boolean;
  onClose: () => void;
  /** Someone else changed the ticket (409/412); the page shows the notice. */
  onConflict: () => void;
};
