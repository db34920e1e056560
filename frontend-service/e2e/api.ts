/**
 * A small HDMS API client for test setup (users, departments, tickets), on Playwright's
 * APIRequestContext with a bearer token. Every call checks its status and says what failed.
 */
import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";

export type Ticket = {
  id: string;
  number?: string | null;
  title: string;
  status: string;
  version: number;
  [key: string]: unknown;
};

export type Employee = { id: string; employee_code: string; name: string; [key: string]: unknown };
export type Department = { id: string; code: string; name: string };

async function body<T>(response: APIResponse, expected: number, what: string): Promise<T> {
  const text = await response.text();
  expect(response.status(), `${what}: ${response.status()} ${text}`).toBe(expected);
  return (text ? JSON.parse(text) : null) as T;
}

export class HdmsApi {
  private constructor(
    readonly request: APIRequestContext,
    private readonly token: string,
  ) {}

  static async login(request: APIRequestContext, code: string, password: string): Promise<HdmsApi> {
    const response = await request.post("/api/auth/login-hdms", { data: { employee_code: code, password } });
    const { access } = await body<{ access: string }>(response, 200, `login of ${code}`);
    return new HdmsApi(request, access);
  }

  private get headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  async get<T>(path: string): Promise<T> {
    return body<T>(await this.request.get(path, { headers: this.headers }), 200, `GET ${path}`);
  }

  async post<T>(path: string, data: unknown, expected = 200): Promise<T> {
    return body<T>(await this.request.post(path, { headers: this.headers, data }), expected, `POST ${path}`);
  }

  me(): Promise<Employee> {
    return this.get<Employee>("/api/auth/me");
  }

  createDepartment(data: { code: string; name: string }): Promise<Department> {
    return this.post<Department>("/api/departments/", data, 201);
  }

  createEmployee(data: { employee_code: string; name: string; password: string; department_id?: string }): Promise<Employee> {
    return this.post<Employee>("/api/employees/", data, 201);
  }

  grantAccess(employeeId: string, roles: string[], departmentIds: string[]): Promise<Employee> {
    return this.post<Employee>("/api/hdms/grant-access", { employee_id: employeeId, roles, department_ids: departmentIds });
  }

  createTicket(data: Record<string, unknown>): Promise<Ticket> {
    return this.post<Ticket>("/api/tickets/", data, 201);
  }

  ticket(id: string): Promise<Ticket> {
    return this.get<Ticket>(`/api/tickets/${id}`);
  }

  /** Any transition of the ticket's life cycle: POST /api/tickets/{id}/status {action, ...}. */
  transition(id: string, action: string, data: Record<string, unknown>): Promise<Ticket> {
    return this.post<Ticket>(`/api/tickets/${id}/status`, { action, ...data });
  }

  history(id: string): Promise<{ items?: unknown[] } | unknown[]> {
    return this.get(`/api/tickets/${id}/history`);
  }
}
