import { createHash } from "node:crypto";
import type { Route, SandboxRequest, SandboxResponse } from "./http.js";
import { glanceError, unauthorized } from "./openstack-errors.js";
import { authenticate } from "./openstack-keystone.js";
import { IDENTITY, IMAGES, type SeedImage } from "./openstack-seed.js";
import type { CloudWorld } from "./openstack-world.js";

const STATUSES = new Set(["queued", "saving", "active", "killed", "deleted", "deactivated", "uploading", "importing", "pending_delete"]);
/** glance-api.conf `limit_param_default` and `api_limit_max`. */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

/** Glance v2's image list and show. Links in bodies are relative to the endpoint, as Glance writes them. */
export function glanceRoutes(world: CloudWorld, baseUrl: () => string): Route[] {
  const authed = (fn: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) =>
    authenticate(world, req) === undefined ? unauthorized() : fn(req);
  const versions = (): SandboxResponse => ({
    status: 300,
    body: { versions: [{ id: "v2.16", status: "CURRENT", links: [{ rel: "self", href: `${baseUrl()}/image/v2/` }] }] },
  });
  return [
    { method: "GET", pattern: "/image", handle: versions },
    { method: "GET", pattern: "/image/", handle: versions },
    { method: "GET", pattern: "/image/v2/images", handle: authed(listImages) },
    {
      method: "GET",
      pattern: "/image/v2/images/{id}",
      handle: authed((req) => {
        const image = IMAGES.find((i) => i.id === req.params["id"]);
        return image === undefined ? glanceError(404, `No image found with ID ${req.params["id"] ?? ""}`, req.headers.accept) : { status: 200, body: imageView(image) };
      }),
    },
  ];
}

// --- internal ---

function listImages(req: SandboxRequest): SandboxResponse {
  const q = req.query;
  const status = q.get("status");
  const accept = req.headers.accept;
  if (status !== null && !STATUSES.has(status)) return glanceError(400, `Invalid status value: ${status}`, accept);
  const limitText = q.get("limit");
  if (limitText !== null && !/^\d+$/.test(limitText)) return glanceError(400, "limit param must be an integer", accept);
  const limit = Math.min(MAX_LIMIT, limitText === null ? DEFAULT_LIMIT : Number(limitText));
  const name = q.get("name");
  const matching = IMAGES.filter((i) => (name === null || i.name === name) && (status === null || i.status === status));
  let start = 0;
  const marker = q.get("marker");
  if (marker !== null) {
    const at = IMAGES.findIndex((i) => i.id === marker);
    if (at < 0) return glanceError(400, `No image found with ID ${marker}`, accept);
    start = matching.findIndex((i) => IMAGES.indexOf(i) > at);
    if (start < 0) start = matching.length;
  }
  const page = matching.slice(start, start + limit);
  const first = new URLSearchParams(q);
  first.delete("marker");
  const body: Record<string, unknown> = {
    images: page.map(imageView),
    first: `/v2/images${first.size > 0 ? `?${first.toString()}` : ""}`,
    schema: "/v2/schemas/images",
  };
  const last = page.at(-1);
  // glance/api/v2/images.py: a full page gets a `next` link.
  if (last !== undefined && page.length === limit) {
    const next = new URLSearchParams(q);
    next.set("marker", last.id);
    body["next"] = `/v2/images?${next.toString()}`;
  }
  return { status: 200, body };
}

function imageView(i: SeedImage): Record<string, unknown> {
  const digest = (algo: string) => createHash(algo).update(i.id).digest("hex");
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    visibility: "public",
    protected: false,
    os_hidden: false,
    checksum: digest("md5"),
    os_hash_algo: "sha512",
    os_hash_value: digest("sha512"),
    owner: IDENTITY.project.id,
    size: i.size,
    virtual_size: i.size * 4,
    min_ram: 0,
    min_disk: 0,
    disk_format: "qcow2",
    container_format: "bare",
    os_distro: "ubuntu",
    os_version: i.name.replace("ubuntu-", ""),
    created_at: i.createdAt,
    updated_at: i.createdAt,
    tags: [],
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: "/v2/schemas/image",
  };
}
