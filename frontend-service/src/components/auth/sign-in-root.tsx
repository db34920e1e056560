"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter, useSearchParams } from "next/navigation";
import { useForm } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { describeProblem } from "@/services/api/forms";
import { isProblem } from "@/services/api/problem";
import { signIn } from "@/services/api/session";

import { signInSchema, type SignInValues } from "./sign-in-form.schema";

/** Only a path of this site may be a ?next= target, never another origin. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/sign-in")) return "/tickets";
  return next;
}

export function SignInRoot() {
  const router = useRouter();
  const params = useSearchParams();
  const form = useForm<SignInValues>({ resolver: zodResolver(signInSchema), defaultValues: { employee_code: "", password: "" } });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: SignInValues) {
    try {
      await signIn(values.employee_code, values.password);
      router.replace(safeNext(params.get("next")));
    } catch (error) {
      let message = describeProblem(error);
      if (isProblem(error) && error.status === 401) message = "Wrong employee code or password, or no HDMS access.";
      if (isProblem(error) && error.status === 429) {
        message = `Too many attempts. ${error.retryAfter ? `Try again in ${Math.ceil(error.retryAfter / 60)} min.` : "Please wait and try again."}`;
      }
      form.setError("root.server", { type: "server", message });
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center bg-muted px-4">
      <div className="w-full max-w-sm rounded-lg border border-border bg-surface p-6 shadow-sm">
        <h1 className="text-2xl font-semibold">Sign in to HDMS</h1>
        <p className="mt-1 text-sm text-muted-foreground">Use your employee code and password.</p>
        <form method="post" className="mt-6 flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
          <FormError message={errors.root?.server?.message} />
          <Field label="Employee code" error={errors.employee_code?.message}>
            <Input autoComplete="username" autoFocus {...form.register("employee_code")} />
          </Field>
          <Field label="Password" error={errors.password?.message}>
            <Input type="password" autoComplete="current-password" {...form.register("password")} />
          </Field>
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Signing in…" : "Sign in"}
          </Button>
        </form>
      </div>
    </main>
  );
}
