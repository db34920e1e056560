/**
 * The schema library for forms: zod's tree-shakable "mini" API, with zod's English messages.
 *
 * zod/mini ships without a locale (every default message would read "Invalid input"); this
 * module loads the English one, the messages the classic API gives. Schemas import zod from here
 * (`import * as z from "@/lib/zod"`), never from "zod" itself: the classic API cannot be
 * tree-shaken and would add about 50 kB to every page with a form.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
