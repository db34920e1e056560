import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";

import { Dialog } from "./dialog";

function Opener() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Reject
      </button>
      <Dialog isOpen={open} onClose={() => setOpen(false)} title="Reject the ticket">
        <label>
          Reason <input />
        </label>
      </Dialog>
    </>
  );
}

test("focus moves into the dialog and back to the button that opened it", async () => {
  const user = userEvent.setup();
  render(<Opener />);
  const opener = screen.getByRole("button", { name: "Reject" });
  await user.click(opener);
  const dialog = await screen.findByRole("dialog", { name: "Reject the ticket" });
  expect(dialog).toContainElement(document.activeElement as HTMLElement);
  await user.keyboard("{Escape}");
  expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  expect(opener).toHaveFocus();
});
