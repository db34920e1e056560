// Generated from /api/files/openapi.json by scripts/generate-api-types.mjs. Do not edit.

export type paths = {
    "/api/files/{file_key}/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file_key: string;
            };
            cookie?: never;
        };
        /** Details of a file: name, size, sha256, type, status, scan, variants. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    file_key: string;
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
                        "application/json": components["schemas"]["File"];
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
    "/api/files/{file_key}/download/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file_key: string;
            };
            cookie?: never;
        };
        /** Download a clean file or one of its variants (original, webp, mp4, thumbnail). */
        get: {
            parameters: {
                query?: {
                    variant?: "original" | "webp" | "thumbnail" | "mp4";
                };
                header?: never;
                path: {
                    file_key: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The bytes (206 for a Range, 304 when the ETag matches) */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Not scanned and processed yet, or failed */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Infected: never served */
                410: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
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
    "/api/files/{file_key}/status/": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                file_key: string;
            };
            cookie?: never;
        };
        /** Where the file is: pending, scanning, processing, ready, infected or failed. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    file_key: string;
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
                        "application/json": components["schemas"]["FileStatus"];
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
    "/api/files/upload/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a file (multipart: file, purpose, ticket_id), streamed to storage. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "multipart/form-data": {
                        /** Format: binary */
                        file: string;
                        /**
                         * @default ticket
                         * @enum {string}
                         */
                        purpose?: "ticket" | "chat";
                        /** Format: uuid */
                        ticket_id?: string;
                    };
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["File"];
                    };
                };
                /** @description ticket_id names a ticket the uploader cannot see */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Larger than FILE_MAX_BYTES */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description A type that is not allowed, or a name that lies */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description Empty, unsafe (bombs) or invalid fields */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description ticket-service cannot say whether ticket_id is visible */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
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
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        File: {
            content_type: string;
            /** @description Set on a ready file whose previews could not be made: only the original is served. */
            conversion_error: string | null;
            /** Format: date-time */
            created_at: string;
            declared_content_type: string | null;
            failure_reason: string | null;
            file_key: string;
            readonly name: string;
            original_name: string;
            /** Format: date-time */
            processed_at: string | null;
            purpose: string;
            scan_engine: string | null;
            scan_result: string | null;
            /** Format: date-time */
            scanned_at: string | null;
            sha256: string;
            size: number;
            /** @enum {string} */
            status: "pending" | "scanning" | "processing" | "ready" | "infected" | "failed";
            /** Format: uuid */
            ticket_id: string | null;
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            uploader_id: string;
            variants: {
                [key: string]: components["schemas"]["Variant"];
            };
        };
        FileStatus: {
            failure_reason: string | null;
            file_key: string;
            /** @enum {string} */
            status: "pending" | "scanning" | "processing" | "ready" | "infected" | "failed";
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
        Variant: {
            content_type: string;
            size: number;
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
