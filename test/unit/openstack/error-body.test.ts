import { describe, expect, it } from "vitest";
import { parseErrorBody } from "../../../src/openstack/error-body.js";

describe("parseErrorBody", () => {
  it.each([
    [
      "a Nova fault",
      `{"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}}`,
      { message: "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances", fault: "forbidden" },
    ],
    [
      "a Nova overLimit with retryAfter",
      `{"overLimit": {"code": 413, "message": "Quota exceeded", "retryAfter": "0"}}`,
      { message: "Quota exceeded", fault: "overLimit" },
    ],
    [
      "a Neutron error",
      `{"NeutronError": {"type": "NetworkNotFound", "message": "Network abc could not be found.", "detail": ""}}`,
      { message: "Network abc could not be found.", fault: "NetworkNotFound" },
    ],
    [
      "a Keystone error",
      `{"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}`,
      { message: "The request you have made requires authentication." },
    ],
    ["a Keystone error with only a title", `{"error": {"code": 500, "title": "Internal Server Error"}}`, { message: "Internal Server Error" }],
    ["a bare message", `{"message": "Bad things"}`, { message: "Bad things" }],
    [
      "Glance JSON (webob, for a client accepting JSON)",
      `{"message": "No image found with ID abc<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}`,
      { message: "No image found with ID abc" },
    ],
    ["Glance plain text", "404 Not Found\n\nNo image found with ID abc\n\n   ", { message: "No image found with ID abc" }],
    [
      "Glance HTML",
      "<html>\n <head>\n  <title>404 Not Found</title>\n </head>\n <body>\n  <h1>404 Not Found</h1>\n  No image found with ID abc<br /><br />\n\n\n\n </body>\n</html>",
      { message: "No image found with ID abc" },
    ],
    ["a status title alone", "503 Service Unavailable", { message: "503 Service Unavailable" }],
    ["an empty body", "", { message: "" }],
  ])("reads %s", (_name, body, expected) => {
    expect(parseErrorBody(body)).toStrictEqual(expected);
  });

  it("shortens long messages to one line", () => {
    const { message } = parseErrorBody(`{"badRequest": {"code": 400, "message": "${"x\\n".repeat(500)}"}}`);
    expect(message.length).toBeLessThanOrEqual(300);
    expect(message).not.toContain("\n");
  });
});
