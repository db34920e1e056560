import type { Metadata } from "next";
import { Suspense } from "react";

import { SignInRoot } from "@/components/auth/sign-in-root";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <Suspense>
      <SignInRoot />
    </Suspense>
  );
}
