/**
 * Reads the human message out of an OpenStack error body. Each service has its own shape
 * (reference A.1–A.4), and Glance often answers with webob plain text or HTML.
 */
import { isRawMap } from "./_raw.js";

/** Longest message kept from a body: enough to act on, short enough for a log line. */
const MAX_MESSAGE = 300;

/** The message of an error body; `fault` is Nova's fault name or Neutron's error type when present. */
export interface ParsedErrorBody {
  message: string;
  fault?: string;
}

/**
 * Parses Nova `{"<faultName>": {code, message}}`, Neutron `{"NeutronError": {type, message}}`,
 * Keystone `{"error": {code, title, message}}`, bare `{"message"}` and plain text or HTML.
 */
export function parseErrorBody(text: string): ParsedErrorBody {
  const json = tryJson(text);
  if (isRawMap(json)) {
    const neutron = json.NeutronError;
    if (isRawMap(neutron) && typeof neutron.message === "string") {
      return withFault(neutron.message, typeof neutron.type === "string" ? neutron.type : undefined);
    }
    const keystone = json.error;
    if (isRawMap(keystone) && (typeof keystone.message === "string" || typeof keystone.title === "string")) {
      return { message: shorten(String(keystone.message ?? keystone.title)) };
    }
    // webob's JSON errors (Glance, for a client accepting JSON) keep the HTML line breaks of its page.
    if (typeof json.message === "string") return { message: shorten(plainText(json.message)) };
    for (const [fault, value] of Object.entries(json)) {
      if (isRawMap(value) && typeof value.message === "string") return withFault(value.message, fault);
    }
  }
  return { message: shorten(plainText(text)) };
}

// --- internal ---

function withFault(message: string, fault: string | undefined): ParsedErrorBody {
  return fault ? { message: shorten(message), fault } : { message: shorten(message) };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** webob bodies repeat the status as a title ("404 Not Found\n\n404 Not Found\n\nNo image…"): keep the body. */
function plainText(text: string): string {
  const body = /<body[^>]*>([\s\S]*?)<\/body>/i.exec(text)?.[1] ?? text;
  const lines = body
    .replace(/<h1>[\s\S]*?<\/h1>/gi, "\n")
    .replace(/<[^>]+>/g, "\n")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  // Drop status titles like "404 Not Found" when there is anything more specific.
  const specific = lines.filter((line) => !/^\d{3} [A-Za-z ]+$/.test(line));
  return [...new Set(specific.length > 0 ? specific : lines)].join(" ");
}

function shorten(message: string): string {
  const oneLine = message.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}
