// Generated from /api/auth/openapi.json by scripts/generate-api-types.mjs. Do not edit.

export type paths = {
    "/api/auth/login-hdms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log in with employee code and password; only employees with an HDMS grant. */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `cookie`: leave the refresh token out of the body (it is in the cookie). */
                    "X-HDMS-Session"?: "cookie";
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Login"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        /** @description hdms_refresh=<refresh token>; HttpOnly; SameSite=Strict; Path=/api/auth; Max-Age=<refresh lifetime>; Secure over https */
                        "Set-Cookie"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["LoginResponse"];
                    };
                };
                /** @description Wrong credentials or no HDMS access */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                /** @description Too many attempts */
                429: {
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
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End a login: revoke the refresh token (body, else the hdms_refresh cookie) with the
         *     tokens rotated from it, and clear the cookie. Unknown or expired tokens are fine. */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["Logout"];
                };
            };
            responses: {
                /** @description The refresh token's login is revoked and the cookie cleared */
                204: {
                    headers: {
                        /** @description hdms_refresh=; Max-Age=0; Path=/api/auth (the cookie is cleared) */
                        "Set-Cookie"?: string;
                        [name: string]: unknown;
                    };
                    content?: never;
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
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The logged-in employee with their HDMS grants. */
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
                        "application/json": components["schemas"]["Employee"];
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
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Exchange a refresh token (body, else the hdms_refresh cookie) for a new pair; each
         *     refresh token works once. */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description `cookie`: leave the refresh token out of the body (it is in the cookie). */
                    "X-HDMS-Session"?: "cookie";
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["Refresh"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        /** @description hdms_refresh=<refresh token>; HttpOnly; SameSite=Strict; Path=/api/auth; Max-Age=<refresh lifetime>; Secure over https */
                        "Set-Cookie"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TokenPair"];
                    };
                };
                /** @description Invalid, expired or reused refresh token */
                401: {
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
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/departments/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List departments (a requestor picks one for a ticket). */
        get: {
            parameters: {
                query?: {
                    cursor?: string | null;
                    include_inactive?: boolean;
                    limit?: number;
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
                        "application/json": components["schemas"]["DepartmentPage"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Create a department (admin). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DepartmentCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Department"];
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
    "/api/departments/{department_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                department_id: string;
            };
            cookie?: never;
        };
        /** One department. */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    department_id: string;
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
                        "application/json": components["schemas"]["Department"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        /** Deactivate a department (admin). */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    department_id: string;
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
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        options?: never;
        head?: never;
        /** Change a department (admin). */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    department_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DepartmentUpdate"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Department"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/employees/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List employees (public cards; admins see every field): to find and pick people. */
        get: {
            parameters: {
                query?: {
                    cursor?: string | null;
                    department_id?: string;
                    is_active?: boolean;
                    limit?: number;
                    q?: string;
                    role?: "requestor" | "moderator" | "assignee" | "admin";
                    role_department_id?: string;
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
                        "application/json": components["schemas"]["EmployeePage"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        /** Create an employee (admin). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EmployeeCreate"];
                };
            };
            responses: {
                /** @description Created */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Employee"];
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
    "/api/employees/{employee_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                employee_id: string;
            };
            cookie?: never;
        };
        /** One employee (public card; admins and the employee themself see every field). */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    employee_id: string;
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
                        "application/json": components["schemas"]["Employee"];
                    };
                };
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        put?: never;
        post?: never;
        /** Deactivate an employee (admin); their tokens stop working at once. */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    employee_id: string;
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
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        options?: never;
        head?: never;
        /** Change an employee (admin); a new password or deactivation ends their sessions. */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    employee_id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["EmployeeUpdate"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Employee"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        trace?: never;
    };
    "/api/hdms/grant-access": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Grant roles in departments to an employee (admin). */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["GrantAccess"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Employee"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        /** Revoke roles in departments (omitted roles or department_ids: all of them; admin); the
         *     employee's access tokens stop working at once (a refresh gives one with the grants left). */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RevokeAccess"];
                };
            };
            responses: {
                /** @description OK */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Employee"];
                    };
                };
                422: components["responses"]["UNPROCESSABLE_ENTITY"];
                default: components["responses"]["DEFAULT_ERROR"];
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        Department: {
            code: string;
            /** Format: date-time */
            created_at: string;
            description: string;
            /** Format: uuid */
            readonly id: string;
            is_active: boolean;
            name: string;
            /** Format: date-time */
            updated_at: string;
        };
        DepartmentCreate: {
            code: string;
            /** @default  */
            description: string;
            name: string;
        };
        DepartmentPage: {
            items: components["schemas"]["Department"][];
            next_cursor: string | null;
        };
        DepartmentUpdate: {
            description?: string;
            is_active?: boolean;
            name?: string;
        };
        Employee: {
            /**
             * Format: date-time
             * @description Admins and the employee themself only.
             */
            created_at?: string;
            /** Format: uuid */
            department_id: string | null;
            /** @description Admins and the employee themself only. */
            email?: string | null;
            employee_code: string;
            /** @description Admins and the employee themself only. */
            grants?: components["schemas"]["Grant"][];
            /** @description Admins and the employee themself only. */
            hdms_roles?: ("requestor" | "moderator" | "assignee" | "admin")[];
            /** Format: uuid */
            readonly id: string;
            is_active: boolean;
            name: string;
            /**
             * Format: date-time
             * @description Admins and the employee themself only.
             */
            updated_at?: string;
        };
        EmployeeCreate: {
            /**
             * Format: uuid
             * @default null
             */
            department_id: string | null;
            /**
             * Format: email
             * @default null
             */
            email: string | null;
            employee_code: string;
            /** @default true */
            is_active: boolean;
            name: string;
            password: string;
        };
        EmployeePage: {
            items: components["schemas"]["Employee"][];
            next_cursor: string | null;
        };
        EmployeeUpdate: {
            /** Format: uuid */
            department_id?: string | null;
            /** Format: email */
            email?: string | null;
            is_active?: boolean;
            name?: string;
            password?: string;
        };
        Grant: {
            /** Format: uuid */
            department_id: string;
            /** @enum {string} */
            role: "requestor" | "moderator" | "assignee" | "admin";
        };
        GrantAccess: {
            department_ids: string[];
            /** Format: uuid */
            employee_id: string;
            roles: ("requestor" | "moderator" | "assignee" | "admin")[];
        };
        Login: {
            employee_code: string;
            password: string;
        };
        LoginResponse: {
            access: string;
            /** @description Left out when the request says X-HDMS-Session: cookie (the token is then only in the hdms_refresh cookie). */
            refresh?: string;
            user: components["schemas"]["Employee"];
        };
        Logout: {
            /** @description The refresh token to revoke; without it the hdms_refresh cookie. */
            refresh?: string;
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
        Refresh: {
            /** @description The refresh token; without it the hdms_refresh cookie is used. */
            refresh?: string;
        };
        RevokeAccess: {
            /**
             * @description Omitted: every department.
             * @default null
             */
            department_ids: string[] | null;
            /** Format: uuid */
            employee_id: string;
            /**
             * @description Omitted: every role.
             * @default null
             */
            roles: ("requestor" | "moderator" | "assignee" | "admin")[] | null;
        };
        TokenPair: {
            access: string;
            /** @description Left out when the request says X-HDMS-Session: cookie (the token is then only in the hdms_refresh cookie). */
            refresh?: string;
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
