import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const GET = vi.fn();
vi.mock("@/services/api/client", () => ({
  api: { GET: (...args: unknown[]) => GET(...args) },
  unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
}));

import { AttachmentPreview } from "./attachment-preview";

function wrap(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}>{children}</QueryClientProvider>);
}

function answer(status: string, details: Record<string, unknown> = {}) {
  GET.mockImplementation(async (path: string) => {
    if (path.endsWith("/status/")) return { data: { file_key: "k1", status, failure_reason: status === "failed" ? "Not a picture." : null } };
    if (path.endsWith("/download/")) return { data: new Blob(["bytes"], { type: "image/webp" }) };
    return { data: { file_key: "k1", status, original_name: "photo.png", ...details } };
  });
}

const createObjectURL = vi.fn(() => "blob:preview-1");
const revokeObjectURL = vi.fn();

beforeEach(() => {
  GET.mockReset();
  createObjectURL.mockClear();
  revokeObjectURL.mockClear();
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL, revokeObjectURL }));
});

afterEach(() => vi.unstubAllGlobals());

describe("AttachmentPreview", () => {
  it("shows a ready image from its WebP variant through a blob URL, revoked on unmount", async () => {
    answer("ready", { content_type: "image/png", variants: { webp: { size: 10 }, thumbnail: { size: 5 } } });
    const view = wrap(<AttachmentPreview fileKey="k1" name="photo.png" />);
    const image = await screen.findByRole("img", { name: "photo.png" });
    expect(image).toHaveAttribute("src", "blob:preview-1");
    expect(GET).toHaveBeenCalledWith("/api/files/{file_key}/download/", expect.objectContaining({ params: { path: { file_key: "k1" }, query: { variant: "webp" } } }));
    expect(screen.getByRole("button", { name: "Download photo.png" })).toBeInTheDocument();
    view.unmount();
    expect(revokeObjectURL).toHaveBeenCalledWith("blob:preview-1");
  });

  it("says an infected file is blocked and offers nothing to open", async () => {
    answer("infected");
    wrap(<AttachmentPreview fileKey="k1" name="invoice.pdf" />);
    expect(await screen.findByText(/found malware/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Download/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
  });

  it("says why a failed file cannot be opened", async () => {
    answer("failed");
    wrap(<AttachmentPreview fileKey="k1" name="broken.png" />);
    expect(await screen.findByText(/could not be processed: Not a picture\./)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Download/ })).not.toBeInTheDocument();
  });
});
