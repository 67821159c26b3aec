/** Raw Neutron calls of the contract suites, so the whole `NeutronError` body (type included) is compared. */
import { expect } from "vitest";
import type { OpenStackClient } from "../../src/openstack/client.js";

/** A Neutron answer: status and parsed body. */
export interface NeutronAnswer {
  status: number;
  body: Record<string, unknown> & { NeutronError?: { type: string; message: string; detail: string } };
}

/** Neutron calls with one client's token, remembering what they created so a suite can clean up. */
export class NeutronCalls {
  /** Paths of created items, deleted in reverse order by {@link cleanup}. */
  private readonly created: string[] = [];

  constructor(private readonly client: OpenStackClient) {}

  /** One call; `path` is below /v2.0 and may carry a query. */
  async call(method: string, path: string, body?: unknown): Promise<NeutronAnswer> {
    const [token, base] = await Promise.all([this.client.session.token(), this.client.session.endpoint("network")]);
    const response = await fetch(`${base.replace(/\/v2\.0\/?$/, "").replace(/\/$/, "")}/v2.0${path}`, {
      method,
      headers: { "x-auth-token": token.value, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as NeutronAnswer["body"]) };
  }

  /** Creates an item (expecting 201) and remembers it; returns its view. */
  async make(collection: string, one: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await this.call("POST", `/${collection}`, { [one]: fields });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const item = answer.body[one] as Record<string, unknown>;
    this.created.push(`/${collection}/${String(item["id"])}`);
    return item;
  }

  /** Deletes an item; returns the status (a deleted or missing item is forgotten). */
  async remove(path: string): Promise<number> {
    const { status } = await this.call("DELETE", path);
    const i = this.created.indexOf(path);
    if (i >= 0 && (status === 204 || status === 404)) this.created.splice(i, 1);
    return status;
  }

  /** Deletes whatever a failed test left behind, newest first. */
  async cleanup(): Promise<void> {
    for (const path of [...this.created].reverse()) await this.call("DELETE", path).catch(() => undefined);
  }

  /** The id of the project's `default` security group. */
  async defaultGroupId(): Promise<string> {
    const groups = (await this.call("GET", "/security-groups?name=default&fields=id")).body["security_groups"] as { id: string }[];
    return String(groups[0]?.id);
  }
}

/** The body of a Neutron error. */
export function neutronError(type: string, message: string): NeutronAnswer["body"] {
  return { NeutronError: { type, message, detail: "" } };
}
