import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deliveryBody, deliveryHeaders, HOOKSHOT_USER_AGENT, signSha1, signSha256 } from "../../../src/sandbox/github-webhook-signing.js";

const input = { guid: "0b989ba4-242f-11e5-81e1-c7b6966d2516", event: "workflow_job", hookId: 42, target: { type: "repository" as const, id: 7 }, contentType: "json" as const };

describe("webhook signatures", () => {
  it("matches GitHub's documented known-answer vector", () => {
    // https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    expect(signSha256("It's a Secret to Everybody", "Hello, World!")).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  });

  it("signs the legacy SHA-1 header with the same key over the same bytes", () => {
    expect(signSha1("k", "body")).toBe(`sha1=${createHmac("sha1", "k").update("body").digest("hex")}`);
  });

  it("sends GitHub's header set without signatures when the hook has no secret", () => {
    expect(deliveryHeaders(input, Buffer.from("{}"), "valid")).toStrictEqual({
      Accept: "*/*",
      "Content-Type": "application/json",
      "User-Agent": HOOKSHOT_USER_AGENT,
      "X-GitHub-Delivery": input.guid,
      "X-GitHub-Event": "workflow_job",
      "X-GitHub-Hook-ID": "42",
      "X-GitHub-Hook-Installation-Target-ID": "7",
      "X-GitHub-Hook-Installation-Target-Type": "repository",
    });
  });

  it.each([
    ["valid", { "X-Hub-Signature": signSha1("s", "{}"), "X-Hub-Signature-256": signSha256("s", "{}") }],
    ["invalid", { "X-Hub-Signature": signSha1("s-not", "{}"), "X-Hub-Signature-256": signSha256("s-not", "{}") }],
    ["missing", {}],
    ["sha1-only", { "X-Hub-Signature": signSha1("s", "{}") }],
  ] as const)("sends the %s signature mode's headers when the hook has a secret", (mode, expected) => {
    const headers = deliveryHeaders({ ...input, secret: "s" }, Buffer.from("{}"), mode);
    const signatures = Object.fromEntries(Object.entries(headers).filter(([k]) => k.startsWith("X-Hub-")));
    expect(signatures).toStrictEqual(expected);
  });

  it("form-encodes the payload for form hooks, so the signature covers the form bytes", () => {
    const body = deliveryBody('{"a":"b c"}', "form");
    expect(body.toString()).toBe("payload=%7B%22a%22%3A%22b%20c%22%7D");
    expect(deliveryHeaders({ ...input, contentType: "form", secret: "s" }, body, "valid")["X-Hub-Signature-256"]).toBe(signSha256("s", body));
  });
});
