"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";

import { NotificationBell } from "@/components/notifications/notification-bell";
import { RealtimeBridge } from "@/components/realtime/realtime-bridge";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { signOut, useSession, type Session } from "@/services/api/session";

import { OfflineBanner } from "./offline-banner";

type NavItem = { href: string; label: string; visible: (session: Session) => boolean };

const NAV: NavItem[] = [
  { href: "/tickets", label: "My tickets", visible: () => true },
  { href: "/queue", label: "Queue", visible: (s) => s.has("moderator") || s.has("admin") },
  { href: "/work", label: "My work", visible: (s) => s.has("assignee") },
  { href: "/approvals", label: "Approvals", visible: () => true },
  { href: "/admin/employees", label: "Admin", visible: (s) => s.has("admin") },
];

export function AppShell({ children }: { children: ReactNode }) {
  const session = useSession();
  const pathname = usePathname();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [menuOpen, setMenuOpen] = useState(false);

  async function handleSignOut() {
    await signOut();
    queryClient.clear();
    router.replace("/sign-in");
  }

  const items = NAV.filter((item) => item.visible(session));
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <OfflineBanner />
      <header className="border-b border-border bg-surface">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-2">
          <Link href="/tickets" className="text-lg font-semibold text-primary">
            HDMS
          </Link>
          <Button variant="ghost" size="sm" className="md:hidden" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((open) => !open)}>
            Menu
          </Button>
          <nav id="main-nav" aria-label="Main" className={cn("absolute top-12 right-0 left-0 z-30 border-b border-border bg-surface md:static md:block md:border-0", menuOpen ? "block" : "hidden")}>
            <ul className="flex flex-col gap-1 p-2 md:flex-row md:p-0">
              {items.map((item) => {
                const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? "page" : undefined}
                      onClick={() => setMenuOpen(false)}
                      className={cn("block rounded-md px-3 py-2 text-sm hover:bg-muted", active && "bg-accent font-medium text-primary")}
                    >
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <NotificationBell />
            <span className="hidden text-sm text-muted-foreground sm:inline" data-testid="signed-in-user">
              {session.user?.name}
            </span>
            <Button variant="secondary" size="sm" onClick={handleSignOut}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <RealtimeBridge />
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
