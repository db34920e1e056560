// Generated from /api/chat/openapi.json by scripts/generate-api-types.mjs. Do not edit.

export type paths = {
    "/api/chat/{ticket_id}/messages/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        /** List a ticket's messages (latest first; with after, oldest first from there). */
        get: {
            parameters: {
                query?: {
                    after?: string;
                    before?: string;
                    cursor?: string | null;
                    limit?: number;
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
                        "application/json": components["schemas"]["MessagePage"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Post a message (participants and admins); stored, then broadcast. */
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
                    "application/json": components["schemas"]["MessageCreate"];
                };
            };
            responses: {
                /** @description A resend of a client_msg_id. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Message"];
                    };
                };
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Message"];
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
    "/api/chat/{ticket_id}/participants/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                ticket_id: string;
            };
            cookie?: never;
        };
        /** List a ticket's participants, one entry per user and role (participants and admins). */
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
                        "application/json": components["schemas"]["ParticipantList"];
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
    "/api/notifications/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List my notifications, newest first (?unread=true for the unread ones). */
        get: {
            parameters: {
                query?: {
                    cursor?: string | null;
                    limit?: number;
                    unread?: boolean;
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
                        "application/json": components["schemas"]["NotificationPage"];
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
    "/api/notifications/{notification_id}/read": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                notification_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark one of my notifications read. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    notification_id: string;
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
                        "application/json": components["schemas"]["Notification"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications/read-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mark all my notifications read. */
        post: {
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
                        "application/json": components["schemas"]["ReadAllResult"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/notifications/unread-count": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many of my notifications are unread. */
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
                        "application/json": components["schemas"]["UnreadCount"];
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
        Message: {
            attachments: string[];
            body: string;
            client_msg_id: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            deleted_at: string | null;
            /** Format: date-time */
            edited_at: string | null;
            /** Format: uuid */
            readonly id: string;
            /** Format: uuid */
            sender_id: string;
            sender_name: string;
            seq: number;
            /** Format: uuid */
            ticket_id: string;
        };
        MessageCreate: {
            attachments?: string[];
            body: string;
            /** @default null */
            client_msg_id: string | null;
        };
        MessagePage: {
            items: components["schemas"]["Message"][];
            next_cursor: string | null;
        };
        Notification: {
            body: string;
            /** Format: date-time */
            created_at: string;
            /** Format: uuid */
            readonly id: string;
            link: string;
            /** Format: date-time */
            read_at: string | null;
            /** Format: uuid */
            ticket_id: string | null;
            title: string;
            /** @enum {string} */
            type: "ticket_assigned" | "sub_ticket_assigned" | "ticket_rejected" | "ticket_resolved" | "approval_requested" | "sla_breached" | "chat_message" | "ticket_created" | "ticket_in_progress" | "ticket_postponed" | "ticket_resumed" | "ticket_closed" | "ticket_reopened" | "approval_approved" | "approval_declined" | "sla_at_risk";
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
            next_cursor: string | null;
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
        Participant: {
            /** Format: date-time */
            joined_at: string;
            /** @enum {string} */
            role: "requestor" | "assignee" | "moderator" | "sub_assignee" | "approver";
            /** Format: uuid */
            user_id: string;
        };
        ParticipantList: {
            items: components["schemas"]["Participant"][];
            next_cursor: string | null;
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
        ReadAllResult: {
            marked: number;
        };
        UnreadCount: {
            count: number;
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
