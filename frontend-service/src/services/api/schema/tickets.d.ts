// Generated from /api/tickets/openapi.json by scripts/generate-api-types.mjs. Do not edit.

export type paths = {
    "/api/approvals/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The approval rounds naming you as an approver (admins: all), newest first, each
         *     with its ticket's number, title, priority and status; ?pending=true: awaiting you. */
        get: {
            parameters: {
                query?: {
                    cursor?: string | null;
                    limit?: number;
                    /** @description true: the pending rounds you have not decided yet; false: the others (decided by you, or ended). */
                    pending?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApprovalPage"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/approvals/{approval_id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                approval_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or decline (an approver of the round, once). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    approval_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DecisionCreate"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Approval"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/sub-tickets/{sub_ticket_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sub_ticket_id: string;
            };
            cookie?: never;
        };
        /** One sub-ticket. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    sub_ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubTicket"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edit or (re)assign a sub-ticket. */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    sub_ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SubTicketUpdate"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubTicket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/sub-tickets/{sub_ticket_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sub_ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** start, complete or cancel a sub-ticket. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    sub_ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SubTicketStatus"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubTicket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the tickets you may see (filters, full-text q, sort, keyset cursor). */
        get: {
            parameters: {
                query?: {
                    assignee_id?: string;
                    created_after?: string;
                    created_before?: string;
                    cursor?: string | null;
                    department_id?: string;
                    limit?: number;
                    priority?: ("low" | "medium" | "high" | "critical")[];
                    q?: string;
                    requestor_id?: string;
                    sla_status?: "on_track" | "at_risk" | "breached" | "paused";
                    /** @description -created_at: newest first (default); created_at: oldest first; due_at: resolution due soonest first; -priority: critical first, then newest. A cursor only continues the sort it was made with. */
                    sort?: "-created_at" | "created_at" | "due_at" | "-priority";
                    status?: ("new" | "under_review" | "assigned" | "in_progress" | "waiting_approval" | "postponed" | "resolved" | "closed" | "rejected" | "cancelled")[];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TicketPage"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Open a ticket for a department (Idempotency-Key supported). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TicketCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        /** One ticket, with the actions open to you. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        /** Delete a ticket (admin; soft: its history stays). */
        delete: {
            parameters: {
                query?: {
                    version?: number;
                };
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description No Content */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        options?: never;
        head?: never;
        /** Edit title, description, priority, category (requestor while new; moderator, admin). */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TicketUpdate"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/tickets/{ticket_id}/acknowledge": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge (the assignee). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["VersionOnly"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/approvals/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        /** The ticket's approval rounds with their decisions. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ApprovalList"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Request an approval round (the ticket waits for it; Idempotency-Key supported). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RequestApproval"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Approval"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Assign to an assignee of the department. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Assign"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/attachments/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        /** The files attached to the ticket. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AttachmentList"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Attach an uploaded file by its file_key (validated with file-service;
         *     Idempotency-Key supported). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AttachmentCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        /** The ticket's audit history, oldest first (?verify=1 checks its hash chain). */
        get: {
            parameters: {
                query?: {
                    verify?: boolean;
                };
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["History"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/postpone": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Postpone until resume_at (SLA paused). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Postpone"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/progress": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report progress (the assignee). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Progress"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject with a reason. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Reason"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/sla": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Override the resolution due date with a reason (moderator, admin; audited). */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SlaOverride"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/tickets/{ticket_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Apply any life-cycle action: {action, version, ...its payload} (see /fsm). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["StatusChange"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ticket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/{ticket_id}/sub-tickets/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        /** The ticket's sub-tickets. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubTicketList"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Split work into a sub-ticket (the ticket's moderator, an admin or its assignee;
         *     Idempotency-Key supported). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ticket_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["SubTicketCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SubTicket"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tickets/fsm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The life-cycle transition table (what each action needs and who may do it). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FsmTable"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        Approval: {
            approver_ids: string[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            decided_at: string | null;
            decisions: components["schemas"]["Decision"][];
            /** @description Approvers who lost HDMS access while the round was open; the others decide it. */
            dropped_approver_ids: string[];
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            mode: "all" | "any";
            note: string;
            /** Format: uuid */
            requested_by: string;
            /** @enum {string} */
            status: "pending" | "approved" | "declined" | "cancelled";
            /** Format: uuid */
            ticket_id: string;
        };
        ApprovalList: {
            items: components["schemas"]["Approval"][];
        };
        ApprovalPage: {
            items: components["schemas"]["ApprovalWithTicket"][];
            next_cursor: string | null;
        };
        ApprovalTicket: {
            /** Format: uuid */
            id: string;
            number: string;
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "critical";
            /** @enum {string} */
            status: "new" | "under_review" | "assigned" | "in_progress" | "waiting_approval" | "postponed" | "resolved" | "closed" | "rejected" | "cancelled";
            title: string;
        };
        ApprovalWithTicket: {
            approver_ids: string[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            decided_at: string | null;
            decisions: components["schemas"]["Decision"][];
            /** @description Approvers who lost HDMS access while the round was open; the others decide it. */
            dropped_approver_ids: string[];
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            mode: "all" | "any";
            note: string;
            /** Format: uuid */
            requested_by: string;
            /** @enum {string} */
            status: "pending" | "approved" | "declined" | "cancelled";
            ticket: components["schemas"]["ApprovalTicket"];
            /** Format: uuid */
            ticket_id: string;
        };
        Assign: {
            /** Format: uuid */
            assignee_id: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        Attachment: {
            content_type: string | null;
            file_key: string;
            name: string | null;
            size: number | null;
        };
        AttachmentCreate: {
            file_key: string;
        };
        AttachmentList: {
            items: components["schemas"]["Attachment"][];
        };
        AuditRow: {
            action: string;
            /** Format: uuid */
            actor_id: string;
            changes: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            created_at: string;
            from_state: string | null;
            hash: string;
            /** Format: uuid */
            id: string;
            prev_hash: string;
            reason: string | null;
            request_id: string | null;
            seq: number;
            to_state: string | null;
        };
        Chain: {
            broken_id: string | null;
            broken_seq: number | null;
            ok: boolean;
            problem: string | null;
            rows: number;
        };
        Decision: {
            /** Format: uuid */
            approver_id: string;
            comment: string;
            /** Format: date-time */
            created_at: string;
            /** @enum {string} */
            decision: "approve" | "decline";
        };
        DecisionCreate: {
            /** @default  */
            comment: string;
            /** @enum {string} */
            decision: "approve" | "decline";
        };
        FsmPayloadField: {
            required: boolean;
            /** @description The marshmallow field type. */
            type: string;
        };
        FsmSubTicketTransition: {
            action: string;
            from: string[];
            roles: string[];
            to: string;
        };
        FsmTable: {
            statuses: ("new" | "under_review" | "assigned" | "in_progress" | "waiting_approval" | "postponed" | "resolved" | "closed" | "rejected" | "cancelled")[];
            sub_ticket_transitions: components["schemas"]["FsmSubTicketTransition"][];
            terminal: ("new" | "under_review" | "assigned" | "in_progress" | "waiting_approval" | "postponed" | "resolved" | "closed" | "rejected" | "cancelled")[];
            transitions: components["schemas"]["FsmTransition"][];
        };
        FsmTransition: {
            action: string;
            event: string;
            from: string[];
            guards: string[];
            payload: {
                [key: string]: components["schemas"]["FsmPayloadField"];
            };
            roles: string[];
            /** @description The target state; postponed_from: where it was postponed from. */
            to: string;
            via_status_endpoint: boolean;
        };
        History: {
            items: components["schemas"]["AuditRow"][];
            /** Format: uuid */
            ticket_id: string;
            verification: (Record<string, never> | null) | components["schemas"]["Chain"];
        };
        PaginationMetadata: {
            /** @description First available page number. */
            first_page?: number;
            /** @description Last available page number. */
            last_page?: number;
            /** @description Next page number. */
            next_page?: number;
            /** @description Current page number. */
            page?: number;
            /** @description Previous page number. */
            previous_page?: number;
            /** @description Total number of items. */
            total?: number;
            /** @description Total number of pages. */
            total_pages?: number;
        };
        Postpone: {
            reason: string;
            /** Format: date-time */
            resume_at: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        Problem: {
            detail?: string;
            errors?: {
                [key: string]: string[];
            };
            request_id?: string;
            status?: number;
            title?: string;
            type?: string;
        } & {
            [key: string]: unknown;
        };
        Progress: {
            note?: string;
            percent: number;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        Reason: {
            reason: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        RequestApproval: {
            approver_ids: string[];
            /**
             * @default all
             * @enum {string}
             */
            mode: "all" | "any";
            /** @default  */
            note: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        SlaOverride: {
            /** Format: date-time */
            due_at: string;
            reason: string;
            version?: number;
        };
        /** @description {action, version, ...the action's payload}: documented as one variant per action (discriminated by ``action``); the payload is checked by the action's own schema, which refuses fields the action does not take. */
        StatusChange: components["schemas"]["StatusChangeReview"] | components["schemas"]["StatusChangeAssign"] | components["schemas"]["StatusChangeReassign"] | components["schemas"]["StatusChangeReject"] | components["schemas"]["StatusChangePostpone"] | components["schemas"]["StatusChangeResume"] | components["schemas"]["StatusChangeAcknowledge"] | components["schemas"]["StatusChangeProgress"] | components["schemas"]["StatusChangeRequestApproval"] | components["schemas"]["StatusChangeResolve"] | components["schemas"]["StatusChangeClose"] | components["schemas"]["StatusChangeReopen"] | components["schemas"]["StatusChangeCancel"] | components["schemas"]["StatusChangeCancelApproval"];
        StatusChangeAcknowledge: {
            /**
             * @description acknowledge: assigned -> in_progress (assignee). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "acknowledge";
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeAssign: {
            /**
             * @description assign: new, postponed, under_review -> assigned (admin, moderator). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "assign";
            /** Format: uuid */
            assignee_id: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeCancel: {
            /**
             * @description cancel: new, under_review -> cancelled (requestor). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "cancel";
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeCancelApproval: {
            /**
             * @description cancel_approval: waiting_approval -> in_progress (admin, assignee, moderator, system). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "cancel_approval";
            reason: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeClose: {
            /**
             * @description close: resolved -> closed (admin, moderator, requestor, system). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "close";
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangePostpone: {
            /**
             * @description postpone: assigned, in_progress, new, under_review -> postponed (admin, moderator). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "postpone";
            reason: string;
            /** Format: date-time */
            resume_at: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeProgress: {
            /**
             * @description progress: in_progress -> in_progress (assignee). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "progress";
            note?: string;
            percent: number;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeReassign: {
            /**
             * @description reassign: assigned, in_progress -> assigned (admin, moderator). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "reassign";
            /** Format: uuid */
            assignee_id: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeReject: {
            /**
             * @description reject: new, under_review -> rejected (admin, moderator). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "reject";
            reason: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeReopen: {
            /**
             * @description reopen: resolved -> under_review (moderator, requestor). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "reopen";
            reason: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeRequestApproval: {
            /**
             * @description request_approval: in_progress -> waiting_approval (admin, assignee, moderator). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "request_approval";
            approver_ids: string[];
            /**
             * @default all
             * @enum {string}
             */
            mode: "all" | "any";
            /** @default  */
            note: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeResolve: {
            /**
             * @description resolve: in_progress -> resolved (assignee). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "resolve";
            resolution_note: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeResume: {
            /**
             * @description resume: postponed -> the state it was postponed from (admin, moderator, system). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "resume";
            reason?: string;
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        StatusChangeReview: {
            /**
             * @description review: new -> under_review (admin, moderator). (enum property replaced by openapi-typescript)
             * @enum {string}
             */
            action: "review";
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
        SubTicket: {
            /** Format: uuid */
            assignee_id: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            created_by: string;
            /** Format: uuid */
            department_id: string;
            description: string;
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            parent_id: string;
            /** @enum {string} */
            status: "open" | "assigned" | "in_progress" | "done" | "cancelled";
            title: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        SubTicketCreate: {
            /**
             * Format: uuid
             * @default null
             */
            assignee_id: string | null;
            /** Format: uuid */
            department_id: string;
            /** @default  */
            description: string;
            title: string;
        };
        SubTicketList: {
            items: components["schemas"]["SubTicket"][];
        };
        SubTicketStatus: {
            /** @enum {string} */
            action: "start" | "complete" | "cancel";
            reason?: string;
            version?: number;
        };
        SubTicketUpdate: {
            /** Format: uuid */
            assignee_id?: string;
            description?: string;
            title?: string;
            version?: number;
        };
        Ticket: {
            /** Format: date-time */
            acknowledged_at: string | null;
            /** @description The actions you may try now (POST .../status). */
            allowed_actions: ("review" | "assign" | "reassign" | "reject" | "postpone" | "resume" | "acknowledge" | "progress" | "request_approval" | "resolve" | "close" | "reopen" | "cancel" | "cancel_approval")[];
            /** Format: uuid */
            assignee_id: string | null;
            attachments: components["schemas"]["Attachment"][];
            category: string;
            /** Format: date-time */
            closed_at: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            department_id: string;
            description: string;
            /**
             * Format: date-time
             * @description When the ticket is due: the same as resolution_due_at.
             */
            due_at: string;
            /** Format: date-time */
            first_response_breached_at: string | null;
            /** Format: date-time */
            first_response_due_at: string;
            /** Format: uuid */
            id: string;
            number: string;
            /** @enum {string|null} */
            postponed_from: "new" | "under_review" | "assigned" | "in_progress" | "waiting_approval" | "postponed" | "resolved" | "closed" | "rejected" | "cancelled" | null;
            /** @enum {string} */
            priority: "low" | "medium" | "high" | "critical";
            progress: number;
            /** Format: uuid */
            requestor_id: string;
            /** Format: date-time */
            resolution_breached_at: string | null;
            /** Format: date-time */
            resolution_due_at: string;
            resolution_note: string | null;
            /** Format: date-time */
            resolved_at: string | null;
            /** Format: date-time */
            resume_at: string | null;
            /**
             * @description The SLA clock running now; null when none runs.
             * @enum {string|null}
             */
            sla_clock: "first_response" | "resolution" | null;
            /** @enum {string} */
            sla_status: "on_track" | "at_risk" | "breached" | "paused";
            /** @enum {string} */
            status: "new" | "under_review" | "assigned" | "in_progress" | "waiting_approval" | "postponed" | "resolved" | "closed" | "rejected" | "cancelled";
            title: string;
            /** Format: date-time */
            updated_at: string;
            version: number;
        };
        TicketCreate: {
            attachments?: string[];
            /** @default  */
            category: string;
            /** Format: uuid */
            department_id: string;
            description: string;
            /**
             * @default medium
             * @enum {string}
             */
            priority: "low" | "medium" | "high" | "critical";
            title: string;
        };
        TicketPage: {
            items: components["schemas"]["Ticket"][];
            next_cursor: string | null;
        };
        TicketUpdate: {
            category?: string;
            description?: string;
            /** @enum {string} */
            priority?: "low" | "medium" | "high" | "critical";
            title?: string;
            version?: number;
        };
        VersionOnly: {
            /** @description The ticket version the change is based on (or If-Match). */
            version?: number;
        };
    };
    responses: {
        /** @description Default error response */
        DEFAULT_ERROR: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Problem"];
            };
        };
        /** @description Unprocessable Entity */
        UNPROCESSABLE_ENTITY: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
