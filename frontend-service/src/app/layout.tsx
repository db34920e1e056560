import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { Providers } from "@/components/shell/providers";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "HDMS", template: "%s · HDMS" },
  description: "Help desk for the employees of the company",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
