/** Names for the generated OpenAPI types, aliased once for the whole application. */
import type { components as AuthComponents } from "./schema/auth";
import type { components as ChatComponents } from "./schema/chat";
import type { components as FileComponents } from "./schema/files";
import type { components as TicketComponents } from "./schema/tickets";

type AuthSchemas = AuthComponents["schemas"];
type TicketSchemas = TicketComponents["schemas"];
type ChatSchemas = ChatComponents["schemas"];
type FileSchemas = FileComponents["schemas"];

export type Employee = AuthSchemas["Employee"];
export type EmployeeCreate = AuthSchemas["EmployeeCreate"];
export type EmployeeUpdate = AuthSchemas["EmployeeUpdate"];
export type EmployeePage = AuthSchemas["EmployeePage"];
export type Department = AuthSchemas["Department"];
export type DepartmentCreate = AuthSchemas["DepartmentCreate"];
export type DepartmentUpdate = AuthSchemas["DepartmentUpdate"];
export type GrantAccess = AuthSchemas["GrantAccess"];
export type Grant = AuthSchemas["Grant"];
export type LoginResponse = AuthSchemas["LoginResponse"];

export type Ticket = TicketSchemas["Ticket"];
export type TicketCreate = TicketSchemas["TicketCreate"];
export type TicketUpdate = TicketSchemas["TicketUpdate"];
export type TicketPage = TicketSchemas["TicketPage"];
export type StatusChange = TicketSchemas["StatusChange"];
export type AuditRow = TicketSchemas["AuditRow"];
export type SubTicket = TicketSchemas["SubTicket"];
export type SubTicketCreate = TicketSchemas["SubTicketCreate"];
export type Approval = TicketSchemas["Approval"];
export type RequestApproval = TicketSchemas["RequestApproval"];
export type DecisionCreate = TicketSchemas["DecisionCreate"];
export type ApprovalWithTicket = TicketSchemas["ApprovalWithTicket"];
export type ApprovalPage = TicketSchemas["ApprovalPage"];
export type TicketAttachment = TicketSchemas["Attachment"];

export type ChatMessage = ChatSchemas["Message"];
export type Notification = ChatSchemas["Notification"];
export type Participant = ChatSchemas["Participant"];

export type FileDetails = FileSchemas["File"];
export type FileStatus = FileSchemas["FileStatus"];

export type Role = "requestor" | "moderator" | "assignee" | "admin";
export const PRIORITIES = ["low", "medium", "high", "critical"] as const;
export type Priority = (typeof PRIORITIES)[number];
export const TICKET_STATUSES = [
  "new",
  "under_review",
  "assigned",
  "in_progress",
  "waiting_approval",
  "postponed",
  "resolved",
  "closed",
  "rejected",
  "cancelled",
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const SLA_STATUSES = ["on_track", "at_risk", "breached", "paused"] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];
